"""RIV-TA services: one Spyne application per contract."""
