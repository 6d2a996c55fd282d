// A valid helper for the diagnostics of the model side (import-*.plast).
double scale(double x, double factor) { return x * factor; }
