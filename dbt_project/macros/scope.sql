{#- Admin scoping (SPEC 12 `--as-admin`): `scope_org_ids` is null for the partner's whole region, or
    the list of org ids one partner admin manages there (partner_analytics/scope.py passes it when it
    rebuilds a disposable copy of the warehouse). `in_admin_scope(column)` is the one predicate every
    customer-bearing model applies at its base; it renders `true` when unscoped. -#}
{% macro in_admin_scope(org_id_column) -%}
{%- set org_ids = var('scope_org_ids', none) -%}
{%- if org_ids is none -%}
true
{%- elif org_ids | length == 0 -%}
false
{%- else -%}
{{ org_id_column }} in ({% for org_id in org_ids %}'{{ org_id | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endif -%}
{%- endmacro %}

{#- Display name of a partner admin role code (SPEC 12); unknown codes are shown as they came. -#}
{% macro partner_admin_role_name(role) -%}
case {{ role }}
    when 'PARTNER_FULL_ADMIN' then 'Partner Full Admin'
    when 'PARTNER_ADMIN' then 'Partner Admin'
    when 'PARTNER_READ_ONLY_ADMIN' then 'Partner Read-Only Admin'
    when 'SALES_FULL_ADMIN' then 'Sales Full Admin'
    when 'SALES_ADMIN' then 'Sales Admin'
    else {{ role }}
end
{%- endmacro %}

{#- Full admins manage every customer of the partner (SPEC 12). -#}
{% macro is_full_admin_role(role) -%}
coalesce({{ role }} in ('PARTNER_FULL_ADMIN', 'SALES_FULL_ADMIN'), false)
{%- endmacro %}
