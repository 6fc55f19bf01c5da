# Django's Arabic formats leave the date-time ones to the US defaults ("12/01/2026 6:30 p.m."); these follow
# CLDR's Arabic patterns (day first, not zero-padded, right-to-left marks between the parts as in its short date).
DATETIME_FORMAT = "j F، Y، g:i A"
SHORT_DATE_FORMAT = "j\u200f/n\u200f/Y"
SHORT_DATETIME_FORMAT = "j\u200f/n\u200f/Y g:i A"
