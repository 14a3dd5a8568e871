# Scenario: archives and checksums: tar, gzip, gunzip, md5sum, sha256sum.
export TZ=UTC LC_ALL=C
mkdir -p src/sub
i=0
while [ $i -lt 200 ]; do
	echo "line $i of the archive test" >> src/big.txt
	i=$((i + 1))
done
echo small > src/sub/small.txt
md5sum src/big.txt src/sub/small.txt
sha256sum src/big.txt
sha1sum src/sub/small.txt
tar -cf a.tar src
tar -tf a.tar | sort
mkdir out && cd out && tar -xf ../a.tar && cd ..
cmp src/big.txt out/src/big.txt && echo tar roundtrip ok
gzip -c src/big.txt > big.gz
gunzip -c big.gz | md5sum
gzip -d < big.gz | wc -l
tar -czf a.tgz src
mkdir out2 && tar -xzf a.tgz -C out2
diff -r src out2/src && echo tgz roundtrip ok
cp src/big.txt b.txt && gzip b.txt && ls b.txt.gz && gunzip b.txt.gz && ls b.txt
echo -n "" | md5sum
echo abc | sha256sum
echo end
