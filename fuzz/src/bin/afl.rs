//! `afl-target TARGET`: one fuzz target under AFL++ (`cargo afl build --features afl`).
//! Each input runs on a fresh 2 MiB-stack thread (the stack corem's rayon workers have); a
//! panic aborts, which AFL++ records as a crash.

#[global_allocator]
static ALLOC: corem::calc::CalcAlloc = corem::calc::CalcAlloc;

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(target) = corem_fuzz::targets::find(&name) else {
        let names: Vec<&str> = corem_fuzz::targets::TARGETS
            .iter()
            .map(|t| t.name)
            .collect();
        eprintln!("usage: afl-target TARGET   (one of: {})", names.join(" "));
        std::process::exit(2);
    };
    afl::fuzz!(|data: &[u8]| {
        let data = data.to_vec();
        let worker = std::thread::Builder::new()
            .stack_size(corem_fuzz::driver::STACK_SIZE)
            .spawn(move || (target.run)(&data));
        match worker.map(|h| h.join()) {
            Ok(Ok(())) => {}
            _ => std::process::abort(),
        }
    });
}
