//! The compile bomb: a component of a few megabytes whose one function
//! keeps tens of thousands of values alive at once, so that the compiler's
//! register allocator works for seconds and allocates close to a gigabyte
//! (measured: 3.3 MB, 2.5 s and 870 MB at `compile_bomb(300_000,
//! 20_000)`; it grows faster than linearly). It is valid WebAssembly and
//! passes every check made before compiling: only a bound on the
//! compilation itself stops it. Generated rather than checked in.

/// A component whose core module has one function of `steps` additions
/// over `locals` 64-bit locals, all read at the end.
pub fn compile_bomb(steps: usize, locals: usize) -> Vec<u8> {
    let mut body = String::with_capacity(steps * 48);
    for i in 0..steps {
        body.push_str(&format!(
            "local.get {} local.get {} i64.add local.set {}\n",
            1 + (i * 7) % locals,
            1 + (i * 13) % locals,
            1 + i % locals
        ));
    }
    for i in 0..locals {
        body.push_str(&format!("local.get {} i64.eqz br_if 0\n", 1 + i));
    }
    let text = format!(
        "(component (core module (func (export \"f\") (param i32) (local {}) block {body} end)))",
        "i64 ".repeat(locals)
    );
    wat::parse_str(&text).expect("the bomb is valid text")
}
