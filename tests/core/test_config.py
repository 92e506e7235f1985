"""Configuration from the environment."""

import pytest


def test_poor_quality_thresholds_come_from_the_environment():
    from partner_analytics.dbt import threshold_vars
    from partner_analytics.errors import BuildError

    assert threshold_vars({}) == {}
    assert threshold_vars({"PA_POOR_JITTER_MS": "120", "PA_POOR_PACKET_LOSS_PCT": "2.5"}) == {"poor_jitter_ms": 120.0, "poor_packet_loss_pct": 2.5}
    with pytest.raises(BuildError, match="PA_POOR_LATENCY_MS must be a number"):
        threshold_vars({"PA_POOR_LATENCY_MS": "fast"})
