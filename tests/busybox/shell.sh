# Scenario: the shell: pipelines, redirections, subshells, $(...),
# here-documents, loops, functions, exit codes, env, xargs, date, sleep.
export TZ=UTC LC_ALL=C
echo "pipeline:" $(printf 'a\nb\nc\n' | wc -l)
echo out > f.txt
echo more >> f.txt
cat < f.txt
ls missing-file 2> err.txt; echo "status $?"
grep -c 'missing-file' err.txt
( cd /; pwd ); pwd | grep -q scenario && echo "cwd kept" || pwd
x=outer; (x=inner; echo "sub $x"); echo "after $x"
n=$(echo $(( 6 * 7 )))
echo "arith $n"
cat <<END
here $n
  indented \$n
END
cat <<'END'
quoted $n
END
for i in 1 2 3; do printf '%s ' "$i"; done; echo
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); [ $i -eq 3 ] && continue; printf '%s ' $i; done; echo
until [ $i -le 0 ]; do i=$((i - 2)); done; echo "until $i"
case abc in a*) echo "case a*";; *) echo no;; esac
f() { echo "func $1 $#"; return 3; }
f x y; echo "ret $?"
false || echo "or-branch"
true && echo "and-branch"
if [ -f f.txt ] && ! [ -d f.txt ]; then echo "test ops"; fi
env -i FOO=bar /bin/busybox env
FOO=tmp sh -c 'echo "child $FOO"'
printf '1\n2\n3\n' | xargs echo args:
printf 'a b\nc\n' | xargs -n 1 echo item
date -u -d '2021-03-04 05:06:07' '+%Y-%m-%d %H:%M:%S %j %a'
date -u -d @1000000000 '+%s %Y'
start=$(date +%s); sleep 1; end=$(date +%s)
[ $((end - start)) -ge 1 ] && echo "slept"
sleep 0.1 && echo "short sleep"
echo "${#n} ${n%2} ${n#4} ${u:-default}"
set -- p q r; echo "args $# $2"; shift; echo "shifted $1"
exec 3> fd3.txt; echo via-fd3 >&3; exec 3>&-; cat fd3.txt
read a b <<END
first second third
END
echo "read $a / $b"
echo end
