"""Tests of the subscription analytics dbt marts."""
