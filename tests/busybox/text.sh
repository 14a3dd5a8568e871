# Scenario: text tools: grep, sed, awk, sort, uniq, head, tail, tr, cut.
export TZ=UTC LC_ALL=C
cat > data.txt <<'END'
banana 3 yellow
apple 5 red
cherry 7 red
apple 2 green
date 11 brown
elderberry 13 black
END
grep red data.txt
grep -c apple data.txt
grep -v -e red -e green data.txt
grep -n '^[ab]' data.txt
grep -E 'a{2}|rr' data.txt
sed 's/red/RED/g' data.txt
sed -n '2,3p' data.txt
sed '/apple/d' data.txt
sed -e 's/\([a-z]*\) \([0-9]*\).*/\2:\1/' data.txt
awk '{ s += $2 } END { print "sum", s }' data.txt
awk '$3 == "red" { print NR, $1 }' data.txt
awk -F' ' '{ printf "%-12s|%5d\n", $1, $2 * 2 }' data.txt
awk 'BEGIN { for (i = 1; i <= 3; i++) print i, i * i }'
sort data.txt
sort -k2 -n data.txt
sort -r -k1,1 data.txt
cut -d' ' -f1 data.txt | sort | uniq -c
cut -d' ' -f1 data.txt | sort -u
cut -c1-3 data.txt
head -n 2 data.txt
tail -n 2 data.txt
tail -c 12 data.txt
tr 'a-z' 'A-Z' < data.txt | head -1
echo 'hello   world' | tr -s ' '
echo 'hello world' | tr -d 'lo'
seq 1 10 | paste -sd+ | bc 2>/dev/null || seq 1 10 | awk '{s+=$1} END {print s}'
printf '%s\n' c b a b c c | sort | uniq -d
echo end
