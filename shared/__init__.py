"""Code shared by the functions: domain rules, services, adapters, templates."""
