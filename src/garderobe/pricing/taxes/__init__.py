"""VAT by destination country and tax class."""
