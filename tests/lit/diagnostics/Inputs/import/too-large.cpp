// Input of ../../import-too-large.plast: each f<k> calls f<k-1> twice, so
// f24 inlines to 2^24 calls of f0 (the model's bound is 10^5 operations).
double f0(double x) { return x * 1.5; }
double f1(double x) { return f0(x) + f0(x + 1); }
double f2(double x) { return f1(x) + f1(x + 1); }
double f3(double x) { return f2(x) + f2(x + 1); }
double f4(double x) { return f3(x) + f3(x + 1); }
double f5(double x) { return f4(x) + f4(x + 1); }
double f6(double x) { return f5(x) + f5(x + 1); }
double f7(double x) { return f6(x) + f6(x + 1); }
double f8(double x) { return f7(x) + f7(x + 1); }
double f9(double x) { return f8(x) + f8(x + 1); }
double f10(double x) { return f9(x) + f9(x + 1); }
double f11(double x) { return f10(x) + f10(x + 1); }
double f12(double x) { return f11(x) + f11(x + 1); }
double f13(double x) { return f12(x) + f12(x + 1); }
double f14(double x) { return f13(x) + f13(x + 1); }
double f15(double x) { return f14(x) + f14(x + 1); }
double f16(double x) { return f15(x) + f15(x + 1); }
double f17(double x) { return f16(x) + f16(x + 1); }
double f18(double x) { return f17(x) + f17(x + 1); }
double f19(double x) { return f18(x) + f18(x + 1); }
double f20(double x) { return f19(x) + f19(x + 1); }
double f21(double x) { return f20(x) + f20(x + 1); }
double f22(double x) { return f21(x) + f21(x + 1); }
double f23(double x) { return f22(x) + f22(x + 1); }
double f24(double x) { return f23(x) + f23(x + 1); }
