#!/usr/bin/env bash
# Regenerates the embedded tables of package faq. Needs the opencc command
# (Debian: apt-get install opencc; OpenCC 1.1.6 made the committed tables),
# python3, and gse in the module cache (go mod download).
#   t2s.txt          every CJK character whose OpenCC t2s form differs
#   s2t.txt          the same for s2tw (Taiwan standard characters)
#   s2t_phrases.txt  common words (gse frequency ≥ 50, 2–4 characters, holding
#                    a character whose form can change either way: 游 in 游泳,
#                    周 in 周末) whose s2tw form differs from the
#                    character-by-character one
#   dict.txt         gse's simplified words of frequency ≥ 200 (the small
#                    segmentation dictionary; gse's full one is never loaded)
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
S="$(go env GOMODCACHE)/github.com/go-ego/gse@v0.80.3/data/dict/zh/s_1.txt"
python3 -c "print('\n'.join(chr(c) for c in range(0x4E00, 0x9FA6)))" > "$tmp/all"
opencc -c t2s.json -i "$tmp/all" -o "$tmp/t2s"
opencc -c s2tw.json -i "$tmp/all" -o "$tmp/s2t"
python3 - "$tmp" "$S" <<'PY'
import sys, collections
tmp, dic = sys.argv[1], sys.argv[2]
a = open(tmp + '/all').read().split('\n')
def pairs(f):
    return [(x, y) for x, y in zip(a, open(f).read().split('\n')) if x and x != y and len(y) == 1]
t2s, s2t = pairs(tmp + '/t2s'), pairs(tmp + '/s2t')
open('t2s.txt', 'w').write(''.join(x + y + '\n' for x, y in t2s))
open('s2t.txt', 'w').write(''.join(x + y + '\n' for x, y in s2t))
amb = {x for x, _ in s2t} | {y for _, y in t2s}  # any character whose form can change
words = set()
for line in open(dic):
    p = line.split()
    if len(p) >= 2 and p[1].isdigit() and int(p[1]) >= 50 and 2 <= len(p[0]) <= 4 \
            and any(c in amb for c in p[0]) and all('\u4e00' <= c <= '\u9fa5' for c in p[0]):
        words.add(p[0])
open(tmp + '/cand', 'w').write('\n'.join(sorted(words)) + '\n')
PY
opencc -c s2tw.json -i "$tmp/cand" -o "$tmp/cand_t"
python3 - "$tmp" <<'PY'
import sys
tmp = sys.argv[1]
m = dict((l[0], l[1]) for l in open('s2t.txt').read().split('\n') if l)
out = []
for x, y in zip(open(tmp + '/cand').read().split('\n'), open(tmp + '/cand_t').read().split('\n')):
    if x and len(x) == len(y) and ''.join(m.get(c, c) for c in x) != y:
        out.append(x + ' ' + y)
open('s2t_phrases.txt', 'w').write('\n'.join(out) + '\n')
PY
awk '$2>=200 && length($1)>=2' "$S" > dict.txt
