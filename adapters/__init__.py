"""Outside formats: Navet deliveries and the nodes Regionnav calls."""
