"""Names of the print projections, without the map stack (the CLI builds its options from them)."""

#: Names people use for the two print projections.
PROJECTION_ALIASES = {"equal-earth": "world", "lambert-93": "france"}
#: Every value a print map's ``projection`` accepts: "auto" picks by the extent of the flows.
PROJECTION_CHOICES = ("auto", "world", "france", *PROJECTION_ALIASES)
