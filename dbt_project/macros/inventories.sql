{#- Inventory reports (SPEC 7: Devices Report, Phone Numbers Report): rows of the snapshots in force
    at the report period's end (snapshots_at_period_end), each with its customer, location and user. -#}

{#- The columns every inventory report starts with: External ID, Customer, Customer Org ID and
    Location ID of the row `rows` (org_id, location_id); pairs with inventory_context_joins. -#}
{% macro inventory_leading_columns(rows) -%}
customers.external_id,
customers.customer_name as customer,
{{ rows }}.org_id as customer_org_id,
{{ rows }}.location_id
{%- endmacro %}

{#- An inventory row's customer (the conformed customers at the period's end), location (CTE
    `locations`) and user (CTE `people`: the person `person_id_column` of the row names), as left
    joins onto `rows`: a row whose customer, location or person is missing keeps empty cells. -#}
{% macro inventory_context_joins(rows, person_id_column) -%}
{{ join_customers(rows ~ '.org_id') }}
left join locations
    on {{ rows }}.org_id = locations.org_id
        and {{ rows }}.location_id = locations.location_id
left join people
    on {{ rows }}.org_id = people.org_id
        and {{ rows }}.{{ person_id_column }} = people.person_id
{%- endmacro %}
