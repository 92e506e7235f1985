{#- Generic data test: no two rows share the same values of `columns` (a model's composite grain).
    NULLs compare equal here (group by), so an optional key part still counts. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
