# Scenario: file tools: mkdir, cp, mv, rm, ln -s, ls, cat, find, wc.
export TZ=UTC LC_ALL=C
mkdir -p a/b/c
echo one > a/1.txt
printf 'two\nlines\n' > a/b/2.txt
cp a/1.txt a/copy.txt
cp -r a a2
mv a2/copy.txt a2/moved.txt
ln -s ../1.txt a/b/link
cat a/b/link
ls a
ls -1 a2 | sort
readlink a/b/link
find a | sort
find a -type f -name '*.txt' | sort
find a -type l
wc -l a/b/2.txt
wc -c < a/1.txt
rm a/1.txt
[ -e a/b/link ] || echo "dangling link now"
[ -L a/b/link ] && echo "still a link"
rm -r a2
ls
rmdir a/b/c && echo removed c
mkdir a/b/c/d 2>/dev/null || echo "mkdir without -p fails"
touch -d '2020-01-02 03:04:05' a/b/2.txt
ls -l --full-time a/b/2.txt 2>/dev/null | awk '{print $6, $7}' || true
stat -c '%s %Y %A' a/b/2.txt
dd if=/dev/zero of=zero.bin bs=512 count=8 2>/dev/null
stat -c '%s' zero.bin
cmp zero.bin zero.bin && echo same
echo end
