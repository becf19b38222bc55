"""Local tooling for chatmod: run the template's functions without Docker, and a local room."""
