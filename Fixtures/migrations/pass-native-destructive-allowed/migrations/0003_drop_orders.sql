-- gate:allow-destructive orders moved to the billing service in 2026-10
DROP TABLE orders;
