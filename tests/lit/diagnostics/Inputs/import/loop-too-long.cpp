// Input of ../../import-loop-too-long.plast; the CHECK lines are its FileCheck checks.
double slow(double x) {
  for (int k = 0; k < 5000; ++k)
// CHECK: loop-too-long.cpp:[[@LINE-1]]:3: error: this loop runs more than 4096 times; plasticc unrolls loops, so keep their trip counts small
    x = -x;
  return x;
}
