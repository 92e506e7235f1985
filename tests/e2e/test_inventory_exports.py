"""End to end, inventory reports at D (SPEC §7): Devices Report and Phone Numbers Report for US,
worked out by hand from the devices, numbers, locations, people and customers snapshots of conftest.py."""

import pytest

from .conftest import assert_table

pytestmark = pytest.mark.slow  # reads the exports of one full pipeline run

DEVICES_HEADER = [
    "External ID",
    "Customer",
    "Customer Org ID",
    "Location ID",
    "Location Name",
    "Product",
    "MAC Address",
    "Firmware",
    "Phone Number",
    "Extension",
    "User ID",
    "User UUID",
]


def test_devices_report(e2e):
    header, rows = e2e.read("Devices Report")
    expected = [
        # dev-1: alice's phone; her PRIMARY number entry N1 = +14155550101 / 101 ("+1..." is a plain number:
        # no "'" prefix); User ID = her first email.
        [
            "EXT-100",
            "Acme Health",
            "org-us-acme",
            "loc-a-hq",
            "Acme HQ",
            "Cisco 8851",
            "AABBCC001101",
            "sip88xx.14-2-1",
            "+14155550101",
            "101",
            "alice@acme.example",
            "p-alice",
        ],
        # dev-2: workspace device, MAC "aa:bb:cc:00:11:02" -> upper-case, no separators; the workspace's
        # PRIMARY entry N4 is extension-only (empty phoneNumber) -> empty number, extension 102;
        # User ID and User UUID empty for a workspace device.
        ["EXT-100", "Acme Health", "org-us-acme", "loc-a-hq", "Acme HQ", "Cisco Room Kit", "AABBCC001102", "RoomOS 11.9", "", "102", "", ""],
        # dev-4: dave's phone; PRIMARY entry N5 (+12125550199 / 199), not the ALTERNATE N6.
        [
            "EXT-200",
            "'=Formula Corp",
            "org-us-formula",
            "loc-f-main",
            "Formula Main",
            "Cisco 8845",
            "AABBCC002204",
            "sip88xx.14-1-1",
            "+12125550199",
            "199",
            "dave@formula.example",
            "p-dave",
        ],
        # dev-3: erin's phone, Globex has no externalId; erin owns no number -> empty number/extension.
        ["", "Globex", "org-us-globex", "loc-g-plant", "Globex Plant", "Poly VVX 450", "AABBCC003303", "6.4.3", "", "", "erin@globex.example", "p-erin"],
    ]
    assert_table(header, rows, DEVICES_HEADER, expected, sort_key=(6,))


PHONE_HEADER = [
    "External ID",
    "Customer",
    "Customer Org ID",
    "Location ID",
    "Location Name",
    "Country",
    "Phone Number",
    "Extension",
    "PSTN Connection",
    "Active",
    "User Type",
    "Number Type",
    "User ID",
    "User UUID",
]


def test_phone_numbers_report(e2e):
    header, rows = e2e.read("Phone Numbers Report")
    acme_hq = ["EXT-100", "Acme Health", "org-us-acme", "loc-a-hq", "Acme HQ", "US"]
    acme_br = ["EXT-100", "Acme Health", "org-us-acme", "loc-a-br", "Acme Branch", "CA"]
    formula = ["EXT-200", "'=Formula Corp", "org-us-formula", "loc-f-main", "Formula Main", "US"]
    globex = ["", "Globex", "org-us-globex", "loc-g-plant", "Globex Plant", "US"]
    expected = [
        # N1 (number + extension, alice): two rows; PSTN = HQ provider AT&T on the number row only;
        # Number Type Primary on the number row, empty on the extension row.
        acme_hq + ["+14155550101", "", "AT&T", "True", "People", "Primary", "alice@acme.example", "p-alice"],
        acme_hq + ["", "101", "", "True", "People", "", "alice@acme.example", "p-alice"],
        # N2: unassigned main number: User Type, Number Type, User ID, User UUID empty
        acme_hq + ["+14155550100", "", "AT&T", "True", "", "", "", ""],
        # N4: extension-only (phoneNumber ""), workspace (PLACE)
        acme_hq + ["", "102", "", "True", "Workspace", "", "", "ws-a-board"],
        # N3: INACTIVE hunt group at the Branch (no PSTN provider -> empty): Active False on both rows
        acme_br + ["+14155550150", "", "", "False", "Hunt Group", "Primary", "", "hg-sales"],
        acme_br + ["", "150", "", "False", "Hunt Group", "", "", "hg-sales"],
        # N5 PRIMARY and N6 ALTERNATE, both dave's, both with extensions
        formula + ["+12125550199", "", "Cisco PSTN", "True", "People", "Primary", "dave@formula.example", "p-dave"],
        formula + ["", "199", "", "True", "People", "", "dave@formula.example", "p-dave"],
        formula + ["+12125550198", "", "Cisco PSTN", "True", "People", "Alternate", "dave@formula.example", "p-dave"],
        formula + ["", "198", "", "True", "People", "", "dave@formula.example", "p-dave"],
        # N7: auto attendant number; N8: extension-only, owner type VOICE_MESSAGING -> "Voice Messaging"
        globex + ["+13125550300", "", "Lumen", "True", "Auto Attendant", "Primary", "", "aa-main"],
        globex + ["", "301", "", "True", "Voice Messaging", "", "", "vm-1"],
    ]
    # SPEC fixes no order for inventory reports: compare as a set keyed on org, phone number, extension.
    assert_table(header, rows, PHONE_HEADER, expected, sort_key=(2, 6, 7))
