"""Invoice arithmetic with integer cents, so totals never drift."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_cents: int

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass
class Invoice:
    number: str
    currency: str
    lines: list = field(default_factory=list)
    tax_rate_bp: int = 0  # basis points: 2000 = 20%

    def add(self, description: str, quantity: int, unit_cents: int) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        if unit_cents < 0:
            raise ValueError("unit price cannot be negative")
        self.lines.append(Line(description, quantity, unit_cents))

    @property
    def subtotal_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def tax_cents(self) -> int:
        # Round half up on the whole invoice, not per line.
        return (self.subtotal_cents * self.tax_rate_bp + 5000) // 10000

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.tax_cents

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "currency": self.currency,
            "lines": [
                {"description": l.description, "quantity": l.quantity, "unitCents": l.unit_cents}
                for l in self.lines
            ],
            "subtotalCents": self.subtotal_cents,
            "taxCents": self.tax_cents,
            "totalCents": self.total_cents,
        }
