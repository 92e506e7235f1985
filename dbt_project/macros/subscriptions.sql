{#- Cross-database helpers of the subscription analytics models (DuckDB + Spark 3.5).
    Each dispatches: `duckdb__` for the embedded warehouse, `default__` is the Spark SQL form. -#}

{#- The products the subscription analytics views report on (SPEC 6.2), in report order. -#}
{% macro subscription_analytics_products() -%}
{{ return(['Calling', 'Meetings']) }}
{%- endmacro %}

{#- A one-column relation (product) of the analytics products, for right joins that must always
    yield one row per product even when there is no data. -#}
{% macro subscription_analytics_products_relation() -%}
{%- for product in subscription_analytics_products() %}
select '{{ product }}' as product{% if not loop.last %} union all{% endif %}
{%- endfor %}
{%- endmacro %}


{#- The two sections of subscriptions ending in the next 90 days (SPEC 6.2): Expiring (flag
    is_expiring, not auto-renewing) and Renewing (is_renewing) share one column list; only the name
    of the days column differs (Days to Expiry / Days to Renewal). One row per active, in-scope
    subscription and analytics product of `products` (fct_subscription_products, passed by the model
    so its ref stands in the model's own file) whose `flag` is true. -#}
{% macro ending_subscriptions(products, flag, days_column) -%}
select
    product,
    customer_name as customer,
    subscription_id,
    days_to_expiry as {{ days_column }},
    total_licenses,
    used_licenses,
    assigned_licenses,
    available_licenses,
    usage_in_last_3_months
from {{ products }}
where is_analytics_product
    and {{ flag }}
{%- endmacro %}

{#- A subscription is active at `as_of` (a DATE expression): status ACTIVE and start_date <= as_of <=
    end_date; false when any of them is unknown or the subscription is missing (a left join). -#}
{% macro is_active_subscription(as_of, subscriptions='subscriptions') -%}
coalesce(
    {{ subscriptions }}.status = 'ACTIVE'
    and {{ subscriptions }}.start_date <= {{ as_of }}
    and {{ subscriptions }}.end_date >= {{ as_of }},
    false
)
{%- endmacro %}

{#- A subscription's attributes as the subscription models carry them, after its ids: type, status,
    dates, auto-renew and whether it is active at `as_of`. -#}
{% macro subscription_attributes(as_of, subscriptions='subscriptions') -%}
{{ subscriptions }}.subscription_type,
{{ subscriptions }}.status,
{{ subscriptions }}.created_at,
{{ subscriptions }}.start_date,
{{ subscriptions }}.end_date,
{{ subscriptions }}.is_auto_renew,
{{ is_active_subscription(as_of, subscriptions) }} as is_active
{%- endmacro %}
