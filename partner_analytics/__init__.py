"""partner_analytics."""
