// `stdout` is a C global set once by the C library; this file imports the
// C library alone, with @preconcurrency, to reach it.
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Makes standard output fully buffered (4 KiB), as it is when a program's
/// output goes to a pipe or a file: `print` then writes long lines in
/// pieces, which is when another writer could slip between them. Called in
/// a child process only (an exit test): it changes the process's stdout.
func bufferStandardOutputFully() {
    setvbuf(stdout, nil, _IOFBF, 4096)
}
