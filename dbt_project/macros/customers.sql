{#- Customers conformed once (SPEC 7 "Periods"): a model that shows a customer's name or other
    attributes joins them from int_customers_at_period_end (the customers snapshot in force at the
    report period's end, D by default), never from a stg_ view, and always through this join. -#}

{#- Join the conformed customer of each row's `org_id_column` as `customers`: a left join keeps the
    rows of an org that is no customer there (empty customer cells); inner=true keeps only
    customers' rows. -#}
{% macro join_customers(org_id_column, inner=false) -%}
{{ 'inner' if inner else 'left' }} join {{ ref('int_customers_at_period_end') }} as customers
    on {{ org_id_column }} = customers.org_id
{%- endmacro %}
