"""The generator of the sample fleet, one module per log source; run samples/generate.py."""
