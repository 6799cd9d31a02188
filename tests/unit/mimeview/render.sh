#!/bin/sh
# render.sh - a stand-in for "w3m -dump" in test_mimeview's mailcap: it
# prints its arguments, then the file it was given, upper-cased.
echo "args: $*"
tr 'a-z' 'A-Z' < "$3"
