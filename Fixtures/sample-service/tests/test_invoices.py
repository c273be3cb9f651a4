import unittest

from service.invoices import Invoice


class InvoiceTests(unittest.TestCase):
    def test_totals_in_cents(self):
        inv = Invoice(number="A-1", currency="EUR", tax_rate_bp=2000)
        inv.add("widget", 3, 199)
        inv.add("gadget", 1, 1000)
        self.assertEqual(inv.subtotal_cents, 1597)
        self.assertEqual(inv.tax_cents, 319)
        self.assertEqual(inv.total_cents, 1916)

    def test_tax_rounds_half_up_on_the_invoice(self):
        inv = Invoice(number="A-2", currency="EUR", tax_rate_bp=2000)
        inv.add("penny", 1, 5)
        inv.add("penny", 1, 5)
        self.assertEqual(inv.tax_cents, 2)

    def test_rejects_non_positive_quantity(self):
        inv = Invoice(number="A-3", currency="EUR")
        with self.assertRaises(ValueError):
            inv.add("nothing", 0, 100)

    def test_serialises_stably(self):
        inv = Invoice(number="A-4", currency="EUR", tax_rate_bp=0)
        inv.add("thing", 2, 50)
        self.assertEqual(inv.to_dict()["totalCents"], 100)


class ConfigTests(unittest.TestCase):
    def test_bundled_config_is_valid(self):
        from service import config
        cfg = config.load("config/service.json")
        self.assertEqual(cfg["currency"], "EUR")


if __name__ == "__main__":
    unittest.main()
