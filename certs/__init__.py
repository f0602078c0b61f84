"""Certificate management: a local CA, issuing, revoking, inspecting."""
