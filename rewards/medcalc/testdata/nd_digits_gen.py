"""Generate nd_digits.txt: every character Python's re \\d matches in a str
pattern (unicodedata category Nd) with the value int() gives it, one
"<hex code point> <value>" per line. Python 3.11.2 (Unicode 14.0) produced the
committed file:

  /usr/bin/python3 testdata/nd_digits_gen.py > testdata/nd_digits.txt
"""
import re
import sys
import unicodedata

print(f"# unicode {unicodedata.unidata_version}")
d = re.compile(r"\d")
for cp in range(sys.maxunicode + 1):
    c = chr(cp)
    if d.match(c):
        assert unicodedata.category(c) == "Nd", hex(cp)
        print(f"{cp:x} {int(c)}")
