"""A shop: api on top, domain in the middle, infra at the bottom."""
