"""One module per kind of question; the answerer picks the first handler whose `matches` holds."""
