"""The Webex REST endpoints `pull` calls: path, query, required scope, the landing dataset each feeds.

Checked against Webex's developer documentation (pages cited per endpoint):
- Organizations: GET /v1/organizations, scope spark-admin:organizations_read
  (https://developer.webex.com/admin/docs/api/v1/organizations). A partner admin's token lists the
  customer orgs it manages; items are `{"id", "displayName", "created", ...}`.
- Licenses: GET /v1/licenses?orgId=, scope spark-admin:licenses_read
  (https://developer.webex.com/docs/api/v1/licenses); items as in
  ../shared/samples/webex-api/licenses_list.json (no orgId: the landing adds it, SPEC 4.1).
- People: GET /v1/people?orgId=&max=, scope spark-admin:people_read
  (https://developer.webex.com/docs/api/v1/people); paged by `Link: <...>; rel="next"`.
- Devices: GET /v1/devices?orgId=, scope spark-admin:devices_read
  (https://developer.webex.com/docs/api/v1/devices); shape of samples/devices_list.json.
- Locations: GET /v1/locations?orgId=, scope spark-admin:locations_read
  (https://developer.webex.com/docs/api/v1/locations).
- Numbers: GET /v1/telephony/config/numbers?orgId=, scope spark-admin:telephony_config_read
  (https://developer.webex.com/docs/api/v1/numbers/get-phone-numbers-for-an-organization-with-given-criteria;
  `max` default 2000, `start` offset); the response is `{"phoneNumbers": [...]}` (samples/telephony_numbers.json), not `items`.
- Partner admins of a customer: GET /v1/partner/organizations/{orgId}/partnerAdmins, scope
  spark-admin:organizations_read, Partner Full Admin
  (https://developer.webex.com/docs/api/v1/partner-management/get-all-partner-admins-assigned-to-a-customer);
  items `{"id", "displayName", "firstName", "lastName", "emails", "roleInCustomerOrg"}`.
- Detailed Call History: GET {analytics-calling}/v1/cdr_feed?startTime&endTime&max, scope
  spark-admin:calling_cdr_read and the admin role "Webex Calling Detailed Call History API access"
  (https://developer.webex.com/calling/docs/api/v1/reports-detailed-call-history and
  .../get-detailed-call-history): any window of at most 12 hours between 30 days and 5 minutes before
  now, `max` 500-5000, `Link: rel="next"` paging (next pages do not count against the rate limit),
  Report time = when the call finished; a 451 answer names the region that holds the org's data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    """One list endpoint: its path on the REST base URL, the scope it needs, the key holding its list."""

    name: str
    path: str
    scope: str
    items_key: str = "items"
    page_size: int | None = None  # `max` sent when the API pages


ORGANIZATIONS = Endpoint("organizations", "/v1/organizations", "spark-admin:organizations_read")
LICENSES = Endpoint("licenses", "/v1/licenses", "spark-admin:licenses_read")
PEOPLE = Endpoint("people", "/v1/people", "spark-admin:people_read", page_size=1000)
DEVICES = Endpoint("devices", "/v1/devices", "spark-admin:devices_read", page_size=1000)
LOCATIONS = Endpoint("locations", "/v1/locations", "spark-admin:locations_read", page_size=1000)
NUMBERS = Endpoint("numbers", "/v1/telephony/config/numbers", "spark-admin:telephony_config_read", items_key="phoneNumbers", page_size=1000)
PARTNER_ADMINS = Endpoint("partner_admins", "/v1/partner/organizations/{org}/partnerAdmins", "spark-admin:organizations_read")
CDR_FEED = Endpoint("cdr", "/v1/cdr_feed", "spark-admin:calling_cdr_read")

# Per-org snapshot datasets, in the order they are pulled.
ORG_SNAPSHOTS = (LICENSES, PEOPLE, DEVICES, LOCATIONS, NUMBERS)
ALL = (ORGANIZATIONS, *ORG_SNAPSHOTS, PARTNER_ADMINS, CDR_FEED)

# The detailed-call-history limits (documented above).
CDR_MAX_WINDOW_HOURS = 12
CDR_RETENTION_DAYS = 30
CDR_MIN_AGE_MINUTES = 5
CDR_PAGE_MIN, CDR_PAGE_MAX = 500, 5000

# roleInCustomerOrg values the partner-admins API returns, mapped to the landing's role names (SPEC 4.1);
# values already in the landing's spelling, and unknown ones, are kept as they are.
ADMIN_ROLES = {
    "id_full_admin": "PARTNER_FULL_ADMIN",
    "id_readonly_admin": "PARTNER_READ_ONLY_ADMIN",
    "id_partner_admin": "PARTNER_ADMIN",
    "atlas-portal.partner.salesfull": "SALES_FULL_ADMIN",
    "atlas-portal.partner.salesadmin": "SALES_ADMIN",
}
