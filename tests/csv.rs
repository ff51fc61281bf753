//! The CSV reader: good files in every supported dialect, every kind of row error with its
//! line number, every file-level error, the limits, and (proptest) that no input panics.

use backprop_viz::csv::{self, Column, Options, Table};
use backprop_viz::dataset::Task;
#[cfg(not(target_arch = "wasm32"))]
use proptest::prelude::*;

fn read(text: &str) -> Table {
    csv::parse(text, &Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn read_with(text: &str, options: Options) -> Table {
    csv::parse(text, &options).unwrap_or_else(|e| panic!("{e}"))
}

fn fails(text: &str, options: Options) -> String {
    let e = csv::parse(text, &options).expect_err("expected the file to be refused");
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("{}: ", e.field)), "{msg}");
    msg
}

/// (line, field, message) of each listed error.
fn errors(t: &Table) -> Vec<(usize, &str, &str)> {
    t.errors
        .iter()
        .map(|e| (e.line, e.field, e.message.as_str()))
        .collect()
}

#[test]
fn a_plain_binary_file_with_a_header() {
    let t = read("x1,x2,label\n1.5,-2,1\n0,0.25,0\n-3e-1,4,1\n");
    assert_eq!(t.task, Task::Binary);
    assert_eq!(t.classes, 2);
    assert_eq!(t.class_names, ["0", "1"]);
    assert_eq!(t.inputs, [1.5, -2.0, 0.0, 0.25, -0.3, 4.0]);
    assert_eq!(t.targets, [1.0, 0.0, 1.0]);
    assert_eq!(t.lines, [2, 3, 4]);
    assert_eq!(
        t.header.as_deref(),
        Some(&["x1".to_string(), "x2".into(), "label".into()][..])
    );
    assert_eq!(t.columns, ["x1", "x2", "label"]);
    assert_eq!(t.delimiter, b',');
    assert_eq!((t.rows(), t.error_count), (3, 0));
}

#[test]
fn header_detection() {
    // No header: the first row is data.
    let t = read("1,2,0\n3,4,1\n");
    assert_eq!(t.header, None);
    assert_eq!(t.columns, ["x1", "x2", "label"]);
    assert_eq!(t.lines, [1, 2]);
    // A header whose label column looks numeric is still a header (x1 and x2 decide).
    let t = read("a,b,1\n1,2,0\n3,4,1\n");
    assert_eq!(t.header.as_ref().unwrap()[0], "a");
    assert_eq!(t.rows(), 2);
    // Forced either way.
    let t = read_with(
        "1,2,0\n3,4,1\n",
        Options {
            header: Some(true),
            ..Options::default()
        },
    );
    assert_eq!((t.rows(), t.columns[0].as_str()), (1, "1"));
    let t = read_with(
        "a,b,c\n3,4,1\n",
        Options {
            header: Some(false),
            ..Options::default()
        },
    );
    assert_eq!(t.rows(), 1);
    assert_eq!(errors(&t), [(1, "x1", "line 1: x1: not a number: \"a\"")]);
}

#[test]
fn dialects_semicolons_tabs_quotes_crlf_bom_blank_lines_and_comments() {
    let want = |t: &Table| {
        assert_eq!(t.inputs, [1.5, 2.0, -1.0, 0.5]);
        assert_eq!(t.targets, [1.0, 0.0]);
        assert_eq!(t.error_count, 0, "{:?}", t.errors);
    };
    let t = read("\u{feff}x1;x2;y\r\n1.5;2;1\r\n-1;0.5;0\r\n");
    want(&t);
    assert_eq!((t.delimiter, t.lines.as_slice()), (b';', &[2, 3][..]));
    assert_eq!(
        t.header.as_ref().unwrap()[0],
        "x1",
        "the BOM is not part of the name"
    );
    let t = read("x1\tx2\tlabel\n1.5\t2\t1\n-1\t0.5\t0");
    want(&t);
    assert_eq!(t.delimiter, b'\t');
    let t = read("\"x 1\",\"x,2\",\"the \"\"label\"\"\"\n\"1.5\", 2 ,\"1\"\r-1,\" 0.5\",0\r");
    want(&t);
    assert_eq!(t.columns, ["x 1", "x,2", "the \"label\""]);
    let t = read("# made by hand\n\nx1,x2,label\n  \n1.5,2,1\n  # a comment\n\n-1,0.5,0\n\n");
    want(&t);
    assert_eq!(t.lines, [5, 8]);
    // Comments can be turned off: then a # line is a row like any other.
    let t = read_with(
        "1.5,2,1\n#,x,y\n-1,0.5,0\n",
        Options {
            comments: false,
            ..Options::default()
        },
    );
    assert_eq!(t.inputs, [1.5, 2.0, -1.0, 0.5]);
    assert_eq!(errors(&t), [(2, "x1", "line 2: x1: not a number: \"#\"")]);
    // A forced delimiter: detection would take the semicolon here.
    let text = "x1,x2,label;note\n1,2,0;a\n3,4,1;b\n";
    assert!(csv::parse(text, &Options::default()).is_err());
    let t = read_with(
        text,
        Options {
            delimiter: Some(b','),
            ..Options::default()
        },
    );
    assert_eq!(t.delimiter, b',');
    assert_eq!(t.class_names, ["0;a", "1;b"]);
}

#[test]
fn tasks_are_detected_from_the_labels() {
    // Class names: multiclass, classes in sorted order.
    let t = read("x1,x2,species\n1,2,setosa\n3,4,virginica\n5,6,versicolor\n7,8,setosa\n");
    assert_eq!(t.task, Task::Multiclass);
    assert_eq!(t.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(t.targets, [0.0, 2.0, 1.0, 0.0]);
    assert_eq!(t.classes, 3);
    // Two names are still multiclass (a softmax with two outputs) unless forced binary.
    let t = read("1,2,no\n3,4,yes\n");
    assert_eq!((t.task, t.classes), (Task::Multiclass, 2));
    let t = read_with(
        "1,2,no\n3,4,yes\n",
        Options {
            task: Some(Task::Binary),
            ..Options::default()
        },
    );
    assert_eq!(
        (t.task, t.targets.as_slice()),
        (Task::Binary, &[0.0, 1.0][..])
    );
    assert_eq!(t.class_names, ["no", "yes"]);
    // Small whole numbers: class indices, K = the largest + 1.
    let t = read("1,2,0\n3,4,2\n5,6,1\n7,8,5\n");
    assert_eq!((t.task, t.classes), (Task::Multiclass, 6));
    assert_eq!(t.class_names, ["0", "1", "2", "3", "4", "5"]);
    assert_eq!(t.targets, [0.0, 2.0, 1.0, 5.0]);
    let t = read("1,2,15\n3,4,0\n");
    assert_eq!((t.task, t.classes), (Task::Multiclass, 16));
    // Other numbers: regression.
    for labels in [["0.5", "1"], ["16", "0"], ["-1", "1"], ["2.0e1", "3"]] {
        let t = read(&format!("1,2,{}\n3,4,{}\n", labels[0], labels[1]));
        assert_eq!((t.task, t.classes), (Task::Regression, 0), "{labels:?}");
        assert!(t.class_names.is_empty());
    }
    let t = read("1,2,0.5\n3,4,-1e3\n");
    assert_eq!(t.targets, [0.5, -1000.0]);
    // All 0 and 1: binary, whatever the spelling.
    let t = read("1,2,0.0\n3,4,1e0\n5,6,-0\n");
    assert_eq!(
        (t.task, t.targets.as_slice()),
        (Task::Binary, &[0.0, 1.0, 0.0][..])
    );
    assert_eq!(t.targets[2].to_bits(), 0, "-0 is read as 0");
    // Forced regression on 0/1 labels, forced multiclass on 0/1 labels.
    let t = read_with(
        "1,2,0\n3,4,1\n",
        Options {
            task: Some(Task::Regression),
            ..Options::default()
        },
    );
    assert_eq!(t.task, Task::Regression);
    let t = read_with(
        "1,2,0\n3,4,1\n",
        Options {
            task: Some(Task::Multiclass),
            ..Options::default()
        },
    );
    assert_eq!((t.task, t.classes), (Task::Multiclass, 2));
}

#[test]
fn columns_by_index_and_by_name() {
    let text = "id,label,a,b\n7,cat,1,2\n8,dog,3,4\n";
    let t = read_with(
        text,
        Options {
            columns: [Column::Index(2), Column::Index(3), Column::Index(1)],
            ..Options::default()
        },
    );
    assert_eq!(t.inputs, [1.0, 2.0, 3.0, 4.0]);
    assert_eq!(t.class_names, ["cat", "dog"]);
    assert_eq!(t.columns, ["a", "b", "label"]);
    let t = read_with(
        text,
        Options {
            columns: [
                Column::Name("A".into()),
                Column::Name("b".into()),
                Column::Name("label".into()),
            ],
            ..Options::default()
        },
    );
    assert_eq!(t.inputs, [1.0, 2.0, 3.0, 4.0]);
    assert_eq!(t.targets, [0.0, 1.0]);
    // Extra columns are fine when the chosen ones are numbers.
    let t = read("1,2,0,extra\n3,4,1,more\n");
    assert_eq!(t.rows(), 2);
}

#[test]
fn every_row_error_names_its_line_and_field() {
    let text = "x1,x2,label\n\
                1,2,0\n\
                abc,2,1\n\
                1,2e6,0\n\
                1,2\n\
                \n\
                1,inf,1\n\
                \"1,2,1\n\
                \"1\"x,2,1\n\
                1,,0\n\
                1,2,\n\
                1,2,1,9\n\
                3,4,1\n";
    let t = read(text);
    assert_eq!(t.rows(), 2);
    assert_eq!(t.lines, [2, 13]);
    assert_eq!(
        errors(&t),
        [
            (3, "x1", "line 3: x1: not a number: \"abc\""),
            (
                4,
                "x2",
                "line 4: x2: must be a finite number from -1e6 to 1e6, got \"2e6\""
            ),
            (
                5,
                "",
                "line 5: has 2 fields but the first row has 3 (comma separated)"
            ),
            (7, "x2", "line 7: x2: not a number: \"inf\""),
            (
                8,
                "",
                "line 8: field 1 has an opening quote but no closing quote on this line"
            ),
            (9, "", "line 9: field 1 has text after its closing quote"),
            (10, "x2", "line 10: x2: is empty; expected a number"),
            (11, "label", "line 11: label: is empty"),
            (
                12,
                "",
                "line 12: has 4 fields but the first row has 3 (comma separated)"
            ),
        ]
    );
    assert_eq!(t.error_count, 9);
    // A decimal comma in a semicolon file gets a hint.
    let t = read("1;2;0\n1,5;2;1\n");
    assert_eq!(
        errors(&t),
        [(
            2,
            "x1",
            "line 2: x1: not a number: \"1,5\" (write decimals with a point: 1.5)"
        )]
    );
}

#[test]
fn label_errors_depend_on_the_task() {
    let forced = |task| Options {
        task: Some(task),
        ..Options::default()
    };
    // With "cat" the labels are names, and binary needs exactly two.
    let msg = fails("1,2,0\n1,2,2\n1,2,cat\n", forced(Task::Binary));
    assert_eq!(
        msg,
        "label: task \"binary\" needs exactly 2 class names, found 3: \"0\", \"2\", \"cat\""
    );
    let t = read_with("1,2,0\n1,2,2\n1,2,1\n", forced(Task::Binary));
    assert_eq!(
        errors(&t),
        [(
            2,
            "label",
            "line 2: label: must be 0 or 1 for task \"binary\", got \"2\""
        )]
    );
    let t = read_with("1,2,0\n1,2,1.5\n1,2,16\n1,2,3\n", forced(Task::Multiclass));
    assert_eq!(t.classes, 4);
    assert_eq!(
        errors(&t),
        [
            (
                2,
                "label",
                "line 2: label: must be a class index, a whole number from 0 to 15, got \"1.5\""
            ),
            (
                3,
                "label",
                "line 3: label: must be a class index, a whole number from 0 to 15, got \"16\""
            ),
        ]
    );
    let t = read_with("1,2,0.5\n1,2,cat\n", forced(Task::Regression));
    assert_eq!(
        errors(&t),
        [(
            2,
            "label",
            "line 2: label: must be a number for task \"regression\", got \"cat\""
        )]
    );
    // Out-of-range numeric labels are errors and do not decide the task.
    let t = read("1,2,0\n1,2,1e7\n1,2,1\n");
    assert_eq!(t.task, Task::Binary);
    assert_eq!(
        errors(&t),
        [(
            2,
            "label",
            "line 2: label: must be a finite number from -1e6 to 1e6, got \"1e7\""
        )]
    );
    // Class names longer than 100 characters.
    let long = "n".repeat(101);
    let t = read(&format!("1,2,a\n1,2,{long}\n1,2,b\n"));
    assert_eq!(t.class_names, ["a", "b"]);
    assert_eq!(
        errors(&t),
        [(
            2,
            "label",
            "line 2: label: a class name may have at most 100 characters"
        )]
    );
}

#[test]
fn errors_are_listed_by_line_up_to_twenty_and_all_counted() {
    // Feature errors (first pass) and label errors (second pass) merge in line order.
    let mut text = String::from("x1,x2,label\n");
    for i in 0..50 {
        if i % 2 == 0 {
            text.push_str("oops,1,0\n");
        } else {
            text.push_str("1,1,7\n");
        }
    }
    text.push_str("1,1,0\n");
    let t = read_with(
        &text,
        Options {
            task: Some(Task::Binary),
            ..Options::default()
        },
    );
    assert_eq!(t.rows(), 1);
    assert_eq!(t.error_count, 50);
    assert_eq!(t.errors.len(), csv::MAX_ERRORS);
    let lines: Vec<usize> = t.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, (2..22).collect::<Vec<_>>());
    assert_eq!(t.errors[0].field, "x1");
    assert_eq!(t.errors[1].field, "label");
}

#[test]
fn files_that_cannot_be_used_are_refused_with_the_reason() {
    let d = Options::default;
    for empty in ["", "\u{feff}", "\n\n  \n", "# only a comment\n"] {
        assert!(fails(empty, d()).starts_with("text: has no data rows"));
    }
    assert_eq!(
        fails("x1,x2,label\n", d()),
        "text: has no data row that could be read (blank lines, # comments and the header are not data)"
    );
    assert_eq!(
        fails("x1,x2,label\nbad,1,0\n1,2,\n", d()),
        "text: has no data row that could be read; 2 rows had errors, the first: line 2: x1: not a number: \"bad\""
    );
    assert_eq!(
        fails("1,2\n3,4\n", d()),
        "options.columns[2]: column 2 (label) does not exist: line 1 has 2 fields (comma separated); columns count from 0"
    );
    assert_eq!(
        fails(
            "a,b,c\n1,2,3\n",
            Options {
                columns: [
                    Column::Name("a".into()),
                    Column::Name("z".into()),
                    Column::Index(2)
                ],
                ..d()
            }
        ),
        "options.columns[1]: no column named \"z\" in the header; it has \"a\", \"b\", \"c\""
    );
    assert!(
        fails(
            "a,b,c\n1,2,3\n",
            Options {
                columns: [Column::Name("a".into()), Column::Index(1), Column::Index(2)],
                header: Some(false),
                ..d()
            }
        )
        .starts_with("options.columns: names columns, which needs a header row")
    );
    assert_eq!(
        fails("\"x1,x2,label\n1,2,3\n", d()),
        "text: line 1: field 1 has an opening quote but no closing quote on this line; cannot read the first row"
    );
    let names: String = (0..17).map(|i| format!("1,2,class{i}\n")).collect();
    assert_eq!(
        fails(&names, d()),
        "label: column \"label\" has more than 16 different class names; at most 16 classes (one output each) are allowed"
    );
    assert_eq!(
        fails("1,2,cat\n3,4,cat\n", d()),
        "label: has only one class, \"cat\"; a classifier needs at least 2"
    );
}

#[test]
fn row_and_byte_limits() {
    let row = "1,2,0\n";
    let at_limit = row.repeat(csv::MAX_ROWS);
    let t = read(&format!("x1,x2,label\n{at_limit}\n# the end\n"));
    assert_eq!(t.rows(), csv::MAX_ROWS);
    assert_eq!(
        fails(&format!("{at_limit}1,2,1\n"), Options::default()),
        "text: has more than 100000 data rows (the engine's limit on examples); line 100001 is row 100001"
    );
    // Rows with errors count too.
    let msg = fails(&format!("x1,x2,label\n{at_limit}bad\n"), Options::default());
    assert!(msg.contains("line 100002 is row 100001"), "{msg}");
    let big = " ".repeat(csv::MAX_BYTES + 1);
    assert_eq!(
        fails(&big, Options::default()),
        "text: is 16777217 bytes; a data file may have at most 16777216 bytes (16 MiB)"
    );
}

#[test]
fn values_at_the_engines_limits() {
    let t = read("1e6,-1e6,0\n-1000000,999999.5,1\n");
    assert_eq!(t.inputs, [1e6, -1e6, -1e6, 999_999.5]);
    let t = read("1,2,0.5\n1,2,1e6\n1,2,-1000001\n");
    assert_eq!(t.task, Task::Regression);
    assert_eq!(t.targets, [0.5, 1e6]);
    assert_eq!(t.error_count, 1);
    assert_eq!(t.errors[0].line, 3);
}

#[test]
fn unicode_names_and_odd_bytes_are_fine() {
    let t = read("x₁,x₂,класс\n1,2,кот\n3,4,猫\n5,6,\"кот\"\n");
    assert_eq!(t.columns, ["x₁", "x₂", "класс"]);
    assert_eq!(t.class_names, ["кот", "猫"]);
    assert_eq!(t.targets, [0.0, 1.0, 0.0]);
    let t = read("1,2,\u{0}\n3,4,é\n");
    assert_eq!(t.classes, 2);
}

/// Not a timed assertion (the machine is shared): prints how long 100,000 rows take. Run
/// with `cargo test --release --test csv -- --ignored --nocapture`.
#[test]
#[ignore]
fn how_long_100000_rows_take() {
    let mut text = String::from("x1,x2,label\n");
    for i in 0..100_000 {
        let x = (i as f64 * 0.618).sin() * 5.0;
        let y = (i as f64 * 0.377).cos() * 5.0;
        text.push_str(&format!(
            "{x:.6},{y:.6},{}\n",
            ["cat", "dog", "bird"][i % 3]
        ));
    }
    // The fastest of five runs, since other work shares the machine.
    let mut fastest = std::time::Duration::MAX;
    for _ in 0..5 {
        let start = std::time::Instant::now();
        let t = read(&text);
        fastest = fastest.min(start.elapsed());
        assert_eq!(t.rows(), 100_000);
    }
    eprintln!(
        "{} bytes, 100000 rows: {fastest:?} (fastest of 5)",
        text.len()
    );
}

/// Text built from the pieces that matter to the parser, plus random characters.
const PIECES: [&str; 22] = [
    ",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "#", " ", "\u{feff}", "1", "-0.5", "1e400",
    "2e6", "NaN", "cat", "0", "15", ".", "e", "é",
];

/// Checks one input: it is either read or refused with an error naming a field, and what is
/// read obeys the engine's rules.
fn check_any_input(text: &str, options: &Options) -> Result<(), String> {
    match csv::parse(text, options) {
        Err(e) if e.field.is_empty() || e.message.is_empty() => Err(format!("bare error {e:?}")),
        Err(_) => Ok(()),
        Ok(t) => {
            let lines = text.split(['\n', '\r']).count();
            let mut ok = t.rows() >= 1
                && t.inputs.len() == 2 * t.rows()
                && t.lines.len() == t.rows()
                && t.rows() + t.error_count <= lines
                && t.errors.len() <= csv::MAX_ERRORS.min(t.error_count)
                && t.errors.windows(2).all(|w| w[0].line <= w[1].line)
                && t.lines.windows(2).all(|w| w[0] < w[1])
                && t.inputs.iter().all(|v| v.is_finite() && v.abs() <= 1e6);
            for &y in &t.targets {
                ok &= match t.task {
                    Task::Binary => y == 0.0 || y == 1.0,
                    Task::Multiclass => y >= 0.0 && y < t.classes as f64 && y.fract() == 0.0,
                    Task::Regression => y.is_finite() && y.abs() <= 1e6,
                };
            }
            if t.task == Task::Multiclass {
                ok &= (2..=16).contains(&t.classes) && t.class_names.len() == t.classes;
            }
            if ok {
                Ok(())
            } else {
                Err(format!("invalid table {t:?}"))
            }
        }
    }
}

fn options_from(bits: u64) -> Options {
    Options {
        delimiter: [None, Some(b','), Some(b';'), Some(b'\t')][(bits & 3) as usize],
        header: [None, Some(true), Some(false), None][((bits >> 2) & 3) as usize],
        task: [
            None,
            Some(Task::Binary),
            Some(Task::Multiclass),
            Some(Task::Regression),
        ][((bits >> 4) & 3) as usize],
        comments: bits & 64 != 0,
        ..Options::default()
    }
}

/// 30,000 seeded random inputs (SplitMix64): fast and the same on every run.
#[test]
fn no_input_panics_and_everything_read_is_valid() {
    let mut state = 0x5eed_c5f0_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for case in 0..30_000 {
        let pieces = next() % 60;
        let mut text = String::new();
        for _ in 0..pieces {
            let r = next();
            if r % 8 == 0 {
                // Any character at all.
                text.push(char::from_u32((r >> 8) as u32 % 0x11_0000).unwrap_or('?'));
            } else {
                text.push_str(PIECES[(r >> 8) as usize % PIECES.len()]);
            }
        }
        let options = options_from(next());
        if let Err(e) = check_any_input(&text, &options) {
            panic!("case {case}: {text:?} with {options:?}: {e}");
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// The same check on proptest's inputs, different on every run and shrunk on failure.
    #[test]
    fn no_random_input_panics(
        pieces in prop::collection::vec((0..PIECES.len(), any::<char>(), any::<bool>()), 0..60),
        bits in any::<u64>(),
    ) {
        let text: String = pieces
            .iter()
            .map(|&(i, c, raw)| if raw { c.to_string() } else { PIECES[i].to_string() })
            .collect();
        let options = options_from(bits);
        if let Err(e) = check_any_input(&text, &options) {
            prop_assert!(false, "{:?} with {:?}: {}", text, options, e);
        }
    }
}
