"""Word lists the synthetic world draws names from: companies, people, cities per region, products."""

from __future__ import annotations

# Company names are "<first> <second> <suffix>"; 40 x 40 x 12 combinations keep them unique at scale "l".
COMPANY_FIRST = (
    "Acme", "Blue", "Cedar", "Delta", "Everest", "Falcon", "Granite", "Harbor", "Iris", "Juniper",
    "Kestrel", "Lumen", "Maple", "Nova", "Orchid", "Pioneer", "Quartz", "Redwood", "Summit", "Tidal",
    "Union", "Vertex", "Willow", "Xenon", "Yarrow", "Zephyr", "Atlas", "Beacon", "Cobalt", "Drift",
    "Ember", "Fjord", "Glacier", "Horizon", "Ivory", "Jade", "Keystone", "Lagoon", "Meridian", "Northwind",
)
COMPANY_SECOND = (
    "Logistics", "Health", "Dental", "Legal", "Foods", "Motors", "Energy", "Capital", "Labs", "Media",
    "Clinic", "Freight", "Builders", "Insurance", "Realty", "Pharma", "Retail", "Hotels", "Systems", "Farms",
    "Analytics", "Partners", "Outfitters", "Textiles", "Aviation", "Robotics", "Studios", "Schools", "Bank", "Marine",
    "Security", "Consulting", "Brewing", "Optics", "Telecom", "Transit", "Mining", "Water", "Solar", "Kitchens",
)
COMPANY_SUFFIX = ("Inc", "LLC", "Ltd", "GmbH", "Group", "Co", "AG", "SA", "BV", "Holdings", "Corp", "PLC")

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
    "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Paul", "Ashley",
    "Steven", "Kimberly", "Andrew", "Emily", "Kenneth", "Donna", "Joshua", "Michelle", "Kevin", "Carol",
    "Lukas", "Sophie", "Jonas", "Marie", "Pierre", "Camille", "Matteo", "Giulia", "Javier", "Lucia",
    "Ahmed", "Fatima", "Omar", "Aisha", "Yusuf", "Mariam", "Liam", "Olivia", "Noah", "Emma",
    "Chen", "Wei", "Priya", "Arjun", "Sven", "Ingrid", "Jose", "Zoe", "Hiroshi", "Yuki",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Muller", "Schmidt", "Schneider", "Fischer", "Dubois", "Laurent", "Rossi", "Russo", "Jansen", "de Vries",
    "Al Mansoori", "Al Hashimi", "Haddad", "Khan", "Patel", "Singh", "Tremblay", "Gagnon", "Roy", "Nguyen",
    "O'Brien", "Kowalski", "Novak", "Andersen", "Nielsen", "Svensson", "Tanaka", "Sato", "Kim", "Park",
)

# (city, ISO country, UTC offset hours) per region; the offset drives "local business hours".
CITIES = {
    "US": (
        ("Richardson", "US", -6), ("Austin", "US", -6), ("New York", "US", -5), ("Boston", "US", -5),
        ("Chicago", "US", -6), ("Denver", "US", -7), ("Seattle", "US", -8), ("San Jose", "US", -8),
        ("Atlanta", "US", -5), ("Miami", "US", -5), ("Phoenix", "US", -7), ("Raleigh", "US", -5),
    ),
    "CA": (
        ("Toronto", "CA", -5), ("Ottawa", "CA", -5), ("Montreal", "CA", -5), ("Vancouver", "CA", -8),
        ("Calgary", "CA", -7), ("Halifax", "CA", -4), ("Winnipeg", "CA", -6),
    ),
    "EU": (
        ("Berlin", "DE", 1), ("Munich", "DE", 1), ("Paris", "FR", 1), ("Lyon", "FR", 1), ("Amsterdam", "NL", 1),
        ("London", "GB", 0), ("Dublin", "IE", 0), ("Madrid", "ES", 1), ("Milan", "IT", 1), ("Helsinki", "FI", 2),
        ("Athens", "GR", 2), ("Warsaw", "PL", 1),
    ),
    "UAE": (("Dubai", "AE", 4), ("Abu Dhabi", "AE", 4), ("Sharjah", "AE", 4), ("Al Ain", "AE", 4)),
}
# Site suffixes make several locations in one city distinct ("Austin", "Austin - Warehouse").
SITE_SUFFIXES = ("", " - HQ", " - Warehouse", " - Branch", " - Clinic", " - Store", " - Lab", " - Annex")

PSTN_PROVIDERS = {
    "US": ("Cisco Calling Plans", "IntelePeer", "Bandwidth", "Lumen"),
    "CA": ("Cisco Calling Plans", "Telus", "Bell Canada"),
    "EU": ("Cisco Calling Plans", "Deutsche Telekom", "Orange Business", "BT Wholesale", "Colt"),
    "UAE": ("du", "Etisalat"),
}
# E.164 prefixes (country code + area code) per region; a 7-digit subscriber number follows.
PHONE_PREFIXES = {"US": ("+1214", "+1512", "+1212", "+1617"), "CA": ("+1416", "+1604", "+1613"),
                  "EU": ("+4930", "+3314", "+4420", "+3120"), "UAE": ("+9714", "+9712")}

TAGS = ("enterprise", "smb", "wholesale", "healthcare", "education", "retail", "government", "pilot",
        "priority", "migration")

QUEUE_NAMES = ("Sales", "Support", "Billing", "Reception", "Front Desk", "Service", "Appointments", "IT Helpdesk")
HUNT_GROUP_NAMES = ("Operators", "Nurses", "Dispatch", "Managers", "Warehouse", "After Hours")
AUTO_ATTENDANT_NAMES = ("Main Menu", "Reception AA", "After Hours AA")
WORKSPACE_NAMES = ("Boardroom", "Huddle Room", "Lobby Phone", "Break Room", "Training Room", "Focus Room")

DESK_PHONES = (("Cisco 8851", "DMS Cisco 8851", "sip88xx.14-2-1MPP0001-272"),
               ("Cisco 8865", "DMS Cisco 8865", "sip8845_65.14-2-1MPP0001-272"),
               ("Cisco 6871", "DMS Cisco 6871", "sip68xx.12-0-1MPP0001-189"),
               ("Cisco 9861", "DMS Cisco 9861", "PhoneOS 3.2.1"),
               ("Cisco 8841", "DMS Cisco 8841", "sip88xx.14-1-1MPP0001-128"))
THIRD_PARTY_PHONES = (("Poly VVX 450", "Poly VVX 450", "6.4.3.5156"),
                      ("Yealink T54W", "Yealink SIP-T54W", "96.86.0.70"))
ROOM_DEVICES = (("Cisco Room Kit", "Cisco Room Kit", "RoomOS 11.14.2.3 a4f3e5c1b2d"),
                ("Cisco Desk Pro", "Cisco Desk Pro", "RoomOS 11.14.2.3 a4f3e5c1b2d"),
                ("Cisco Board Pro 55", "Cisco Board Pro", "RoomOS 11.12.1.5 7d1e0f3a9c2"),
                ("Cisco Room Bar", "Cisco Room Bar", "RoomOS 11.14.2.3 a4f3e5c1b2d"))
# Cisco OUIs for device MACs (first three bytes).
CISCO_OUIS = ((0x6C, 0x71, 0x0D), (0x00, 0x1B, 0xD4), (0x70, 0x6E, 0x6D), (0xB4, 0xA8, 0xB9))
THIRD_PARTY_OUIS = ((0x00, 0x04, 0xF2), (0x80, 0x5E, 0xC0))

ADMIN_ROLES = ("PARTNER_FULL_ADMIN", "PARTNER_ADMIN", "PARTNER_READ_ONLY_ADMIN", "SALES_FULL_ADMIN", "SALES_ADMIN")
PARTNER_DOMAIN = "nimbus-partners.example.com"
