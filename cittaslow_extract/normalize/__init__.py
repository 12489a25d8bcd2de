"""Raw field texts → typed values: pure functions for money, partial dates, durations, numbers and
text, each keeping the raw text beside the value."""
