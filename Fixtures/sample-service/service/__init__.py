"""Sample invoicing service."""
