"""AWS implementations of chatmod's escalation interfaces (only the functions import these)."""
