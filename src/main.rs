use clap::Parser;

fn main() {
    let cli = sigmark::cli::Cli::parse();
    if let Err(e) = sigmark::cli::run(cli) {
        // A closed pipe (`sigmark dump FILE | head`) is the reader's choice, not an error.
        if let sigmark::cli::CliError::Output(io) = &e {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return;
            }
        }
        eprintln!("sigmark: {}", sigmark::text::sanitize(&e.to_string()));
        std::process::exit(e.exit_code());
    }
}
