//! CSV files of labelled 2-D points: two numeric feature columns (x1, x2) and a label.
//!
//! [`parse`] reads a whole file and either returns a [`Table`] or, when the file as a whole
//! cannot be used (too large, too many rows or classes, no readable row), an [`Error`]. Rows
//! that cannot be read are skipped and reported by line number in [`Table::errors`]. The
//! parser never panics: every index is checked, and fields are only ever cut at ASCII
//! delimiters, quotes and spaces, which are always UTF-8 character boundaries.
//!
//! Format: an optional header row (detected when the first row's x1 or x2 is not a
//! number), fields separated by commas, semicolons or tabs (detected from the first row),
//! fields optionally in double quotes (`""` inside quotes is a quote; a quoted field ends on
//! its own line), line ends `\n`, `\r\n` or `\r`, an optional byte-order mark, and blank
//! lines and `#` comment lines anywhere.

use crate::config::{self, Error, MAX_INPUT_MAGNITUDE, Result};
use crate::dataset::Task;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The largest file, in bytes (UTF-8).
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
/// The most data rows: the engine's limit on examples.
pub const MAX_ROWS: usize = 100_000;
/// The most classes: the engine's limit on outputs.
pub const MAX_CLASSES: usize = config::MAX_OUTPUTS;
/// How many row errors a [`Table`] lists (it counts them all).
pub const MAX_ERRORS: usize = 20;
/// The longest class name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Which column holds x1, x2 or the label.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// By position, from 0.
    Index(usize),
    /// By its name in the header row.
    Name(String),
}

/// How to read a file. The default detects everything.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// `b','`, `b';'` or `b'\t'`; `None` detects it from the first row.
    pub delimiter: Option<u8>,
    /// Whether the first row is a header; `None` detects it.
    pub header: Option<bool>,
    /// The task; `None` detects it from the labels.
    pub task: Option<Task>,
    /// The x1, x2 and label columns.
    pub columns: [Column; 3],
    /// Whether lines starting with `#` are comments.
    pub comments: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            delimiter: None,
            header: None,
            task: None,
            columns: [Column::Index(0), Column::Index(1), Column::Index(2)],
            comments: true,
        }
    }
}

/// A row that could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// The line it is on, from 1 (the line where the row starts).
    pub line: usize,
    /// `"x1"`, `"x2"`, `"label"`, or `""` for the row as a whole.
    pub field: &'static str,
    /// What is wrong, starting with the line: `line 7: x1: not a number: "abc"`.
    pub message: String,
}

/// A parsed file: the rows that could be read, and what went wrong with the others.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The task, detected or forced.
    pub task: Task,
    /// x1, x2 of each row read, row-major.
    pub inputs: Vec<f64>,
    /// Per row read: 0/1 (binary), the class index (multiclass) or the real target.
    pub targets: Vec<f64>,
    /// The line of each row read.
    pub lines: Vec<usize>,
    /// 2 for binary, K for multiclass, 0 for regression.
    pub classes: usize,
    /// The classes' names, by index: the labels' names in sorted order when the file names
    /// them, else "0" to "K-1". Empty for regression.
    pub class_names: Vec<String>,
    /// The header row's fields, if the file has one.
    pub header: Option<Vec<String>>,
    /// The names of the x1, x2 and label columns: from the header, else "x1", "x2", "label".
    pub columns: [String; 3],
    /// The delimiter used.
    pub delimiter: u8,
    /// The first [`MAX_ERRORS`] row errors, by line.
    pub errors: Vec<RowError>,
    /// How many rows could not be read.
    pub error_count: usize,
}

impl Table {
    /// The number of rows read.
    pub fn rows(&self) -> usize {
        self.targets.len()
    }
}

const ROLES: [&str; 3] = ["x1", "x2", "label"];

/// Splits text into (line number from 1, line) at `\n`, `\r\n` and `\r`.
struct Lines<'a> {
    rest: &'a str,
    line: usize,
    done: bool,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<(usize, &'a str)> {
        if self.done {
            return None;
        }
        self.line += 1;
        let bytes = self.rest.as_bytes();
        match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            None => {
                self.done = true;
                Some((self.line, self.rest))
            }
            Some(i) => {
                let line = self.rest.get(..i).unwrap_or("");
                let skip = if bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                self.rest = self.rest.get(i + skip..).unwrap_or("");
                Some((self.line, line))
            }
        }
    }
}

/// Space or tab, unless tab is the delimiter.
fn is_blank(b: u8, delimiter: u8) -> bool {
    b == b' ' || (b == b'\t' && delimiter != b'\t')
}

/// Splits one line into fields, unquoting quoted ones, into `out`. Errors say what is wrong.
fn split_fields<'a>(
    line: &'a str,
    delimiter: u8,
    out: &mut Vec<Cow<'a, str>>,
) -> std::result::Result<(), String> {
    out.clear();
    let bytes = line.as_bytes();
    let len = bytes.len();
    let mut i = 0;
    loop {
        while i < len && is_blank(bytes[i], delimiter) {
            i += 1;
        }
        if i < len && bytes[i] == b'"' {
            let start = i + 1;
            let mut j = start;
            let mut escaped = false;
            let end = loop {
                match bytes
                    .get(j..)
                    .and_then(|r| r.iter().position(|&b| b == b'"'))
                {
                    None => {
                        return Err(format!(
                            "field {} has an opening quote but no closing quote on this line",
                            out.len() + 1
                        ));
                    }
                    Some(p) => {
                        let q = j + p;
                        if bytes.get(q + 1) == Some(&b'"') {
                            escaped = true;
                            j = q + 2;
                        } else {
                            break q;
                        }
                    }
                }
            };
            let inner = line.get(start..end).unwrap_or("");
            out.push(if escaped {
                Cow::Owned(inner.replace("\"\"", "\""))
            } else {
                Cow::Borrowed(inner)
            });
            i = end + 1;
            while i < len && is_blank(bytes[i], delimiter) {
                i += 1;
            }
            if i < len && bytes[i] != delimiter {
                return Err(format!(
                    "field {} has text after its closing quote",
                    out.len()
                ));
            }
        } else {
            let start = i;
            let mut end = bytes
                .get(i..)
                .and_then(|r| r.iter().position(|&b| b == delimiter))
                .map_or(len, |p| i + p);
            i = end;
            while end > start && is_blank(bytes[end - 1], delimiter) {
                end -= 1;
            }
            out.push(Cow::Borrowed(line.get(start..end).unwrap_or("")));
        }
        if i >= len {
            return Ok(());
        }
        // bytes[i] is the delimiter.
        i += 1;
    }
}

/// Parses a number written as `[+-]digits[.digits][e[+-]digits]` (either side of the point
/// may be empty, not both); `None` for anything else, `inf` and `NaN` included.
pub fn number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let mut mantissa = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse().ok()
}

/// Shortens a field for a message.
fn quote(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push_str("...");
    }
    format!("\"{out}\"")
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b';' => "semicolon",
        b'\t' => "tab",
        _ => "comma",
    }
}

/// Reads a feature field: a finite number with magnitude at most 1e6 (spaces around it,
/// inside quotes too, are ignored).
fn feature(s: &str, delimiter: u8) -> std::result::Result<f64, String> {
    let s = s.trim_matches(|c| c == ' ' || c == '\t');
    if s.is_empty() {
        return Err("is empty; expected a number".into());
    }
    match number(s) {
        Some(v) if v.is_finite() && v.abs() <= MAX_INPUT_MAGNITUDE => Ok(v),
        Some(_) => Err(format!(
            "must be a finite number from -1e6 to 1e6, got {}",
            quote(s)
        )),
        None => {
            let comma = s.replace(',', ".");
            if delimiter != b',' && s.contains(',') && number(&comma).is_some() {
                Err(format!(
                    "not a number: {} (write decimals with a point: {comma})",
                    quote(s)
                ))
            } else {
                Err(format!("not a number: {}", quote(s)))
            }
        }
    }
}

/// Collects row errors: the first [`MAX_ERRORS`] and a count.
#[derive(Default)]
struct Errors {
    list: Vec<RowError>,
    count: usize,
}

impl Errors {
    fn add(&mut self, line: usize, field: &'static str, what: impl FnOnce() -> String) {
        self.count += 1;
        if self.list.len() < MAX_ERRORS {
            let message = if field.is_empty() {
                format!("line {line}: {}", what())
            } else {
                format!("line {line}: {field}: {}", what())
            };
            self.list.push(RowError {
                line,
                field,
                message,
            });
        }
    }
}

/// A row whose features were read; its label is interpreted once the task is known.
struct Row<'a> {
    line: usize,
    x1: f64,
    x2: f64,
    label: Cow<'a, str>,
}

/// Where a file's fields are.
struct Layout {
    width: usize,
    cols: [usize; 3],
    delimiter: u8,
}

impl Layout {
    /// Reads one row's split fields, or records why it cannot be read.
    fn read<'a>(
        &self,
        line: usize,
        fields: &mut [Cow<'a, str>],
        errors: &mut Errors,
    ) -> Option<Row<'a>> {
        let (width, delimiter) = (self.width, self.delimiter);
        if fields.len() != width {
            let n = fields.len();
            errors.add(line, "", || {
                format!(
                    "has {n} field{} but the first row has {width} ({} separated)",
                    if n == 1 { "" } else { "s" },
                    delimiter_name(delimiter)
                )
            });
            return None;
        }
        let mut xs = [0.0; 2];
        for r in 0..2 {
            let field = fields.get(self.cols[r]).map_or("", |f| f.as_ref());
            match feature(field, delimiter) {
                Ok(v) => xs[r] = v,
                Err(e) => {
                    errors.add(line, ROLES[r], || e);
                    return None;
                }
            }
        }
        let label = match fields.get_mut(self.cols[2]).map(std::mem::take) {
            Some(Cow::Borrowed(s)) => Cow::Borrowed(s.trim_matches(|c| c == ' ' || c == '\t')),
            Some(Cow::Owned(s)) => {
                Cow::Owned(s.trim_matches(|c| c == ' ' || c == '\t').to_string())
            }
            None => Cow::Borrowed(""),
        };
        if label.is_empty() {
            errors.add(line, "label", || "is empty".into());
            return None;
        }
        Some(Row {
            line,
            x1: xs[0],
            x2: xs[1],
            label,
        })
    }
}

/// How labels become targets.
enum Labels {
    /// Numbers: 0/1, class indices, or real values.
    Numbers,
    /// Class names, sorted, each with its index.
    Names(BTreeMap<String, usize>),
}

/// Reads a CSV file of (x1, x2, label) rows. See the module docs for the format, and
/// [`Table`] for the result.
///
/// Task detection, unless `options.task` forces one: labels that are not all numbers are
/// class names (multiclass, classes in sorted order); numbers all 0 or 1 are binary;
/// whole numbers from 0 to 15 are class indices (multiclass, K = the largest + 1);
/// other numbers are regression targets.
pub fn parse(text: &str, options: &Options) -> Result<Table> {
    if text.len() > MAX_BYTES {
        return Err(Error::new(
            "text",
            format!(
                "is {} bytes; a data file may have at most {MAX_BYTES} bytes (16 MiB)",
                text.len()
            ),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Lines {
        rest: text,
        line: 0,
        done: false,
    }
    .filter(|(_, l)| {
        let t = l.trim_matches(|c| c == ' ' || c == '\t');
        !(t.is_empty() || (options.comments && t.starts_with('#')))
    });
    let Some((first_line, first)) = lines.next() else {
        return Err(Error::new(
            "text",
            "has no data rows (blank lines and # comments are skipped); a data file needs rows of x1, x2, label",
        ));
    };
    let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(first));
    let mut fields: Vec<Cow<str>> = Vec::with_capacity(8);
    split_fields(first, delimiter, &mut fields).map_err(|e| {
        Error::new(
            "text",
            format!("line {first_line}: {e}; cannot read the first row"),
        )
    })?;
    let width = fields.len();

    // Header: forced, needed for named columns, or detected from x1 and x2.
    let named = options.columns.iter().any(|c| matches!(c, Column::Name(_)));
    if named && options.header == Some(false) {
        return Err(Error::new(
            "options.columns",
            "names columns, which needs a header row, but options.header is false",
        ));
    }
    let header = match options.header {
        Some(h) => h,
        None if named => true,
        None => options.columns[..2].iter().any(|c| match c {
            Column::Index(k) => fields.get(*k).is_some_and(|f| number(f).is_none()),
            Column::Name(_) => true,
        }),
    };
    let header_names: Option<Vec<String>> =
        header.then(|| fields.iter().map(|f| f.to_string()).collect());
    let mut cols = [0usize; 3];
    for (r, c) in options.columns.iter().enumerate() {
        cols[r] = match c {
            Column::Index(k) if *k < width => *k,
            Column::Index(k) => {
                return Err(Error::new(
                    format!("options.columns[{r}]"),
                    format!(
                        "column {k} ({}) does not exist: line {first_line} has {width} field{} ({} separated); columns count from 0",
                        ROLES[r],
                        if width == 1 { "" } else { "s" },
                        delimiter_name(delimiter)
                    ),
                ));
            }
            Column::Name(name) => {
                let names = header_names.as_deref().unwrap_or(&[]);
                names
                    .iter()
                    .position(|h| h == name)
                    .or_else(|| names.iter().position(|h| h.eq_ignore_ascii_case(name)))
                    .ok_or_else(|| {
                        Error::new(
                            format!("options.columns[{r}]"),
                            format!(
                                "no column named {} in the header; it has {}",
                                quote(name),
                                names
                                    .iter()
                                    .map(|n| quote(n))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                    })?
            }
        };
    }
    let columns: [String; 3] = std::array::from_fn(|r| match &header_names {
        Some(h) => h.get(cols[r]).cloned().unwrap_or_default(),
        None => ROLES[r].to_string(),
    });

    let mut errors = Errors::default();
    let mut rows: Vec<Row> = Vec::new();
    let mut seen = 0usize;
    let layout = Layout {
        width,
        cols,
        delimiter,
    };
    if !header {
        seen += 1;
        rows.extend(layout.read(first_line, &mut fields, &mut errors));
    }
    for (line, text) in lines {
        seen += 1;
        if seen > MAX_ROWS {
            return Err(Error::new(
                "text",
                format!(
                    "has more than {MAX_ROWS} data rows (the engine's limit on examples); line {line} is row {seen}"
                ),
            ));
        }
        if let Err(e) = split_fields(text, delimiter, &mut fields) {
            errors.add(line, "", || e);
            continue;
        }
        rows.extend(layout.read(line, &mut fields, &mut errors));
    }

    let label_col = &columns[2];
    let (task, labels) = decide_task(&rows, options.task, label_col)?;
    // Second pass: labels into targets; rows whose label does not fit the task are errors.
    let mut label_errors = Errors::default();
    let mut table = Table {
        task,
        inputs: Vec::with_capacity(2 * rows.len()),
        targets: Vec::with_capacity(rows.len()),
        lines: Vec::with_capacity(rows.len()),
        classes: 0,
        class_names: Vec::new(),
        header: header_names,
        columns,
        delimiter,
        errors: Vec::new(),
        error_count: 0,
    };
    let mut max_class = 0usize;
    for row in &rows {
        let target = match &labels {
            Labels::Names(map) => match map.get(row.label.as_ref()) {
                Some(&c) => c as f64,
                None => {
                    // Only names too long to be classes are missing from the map.
                    label_errors.add(row.line, "label", || {
                        format!("a class name may have at most {MAX_NAME_CHARS} characters")
                    });
                    continue;
                }
            },
            Labels::Numbers => match label_number(&row.label, task) {
                Ok(v) => v,
                Err(e) => {
                    label_errors.add(row.line, "label", || e);
                    continue;
                }
            },
        };
        if task == Task::Multiclass {
            max_class = max_class.max(target as usize);
        }
        table.inputs.extend_from_slice(&[row.x1, row.x2]);
        table.targets.push(target);
        table.lines.push(row.line);
    }
    table.classes = match (&labels, task) {
        (_, Task::Regression) => 0,
        (_, Task::Binary) => 2,
        (Labels::Names(map), Task::Multiclass) => map.len(),
        (Labels::Numbers, Task::Multiclass) => (max_class + 1).max(2),
    };
    table.class_names = match &labels {
        Labels::Names(map) => {
            let mut names = vec![String::new(); map.len()];
            for (name, &i) in map {
                if let Some(slot) = names.get_mut(i) {
                    slot.clone_from(name);
                }
            }
            names
        }
        Labels::Numbers => (0..table.classes).map(|c| c.to_string()).collect(),
    };
    // Merge the two passes' errors in line order.
    table.error_count = errors.count + label_errors.count;
    let mut all = errors.list;
    all.extend(label_errors.list);
    all.sort_by_key(|e| e.line);
    all.truncate(MAX_ERRORS);
    table.errors = all;
    if table.rows() == 0 {
        let why = match table.errors.first() {
            Some(e) => format!(
                "; {} row{} had errors, the first: {}",
                table.error_count,
                if table.error_count == 1 { "" } else { "s" },
                e.message
            ),
            None => " (blank lines, # comments and the header are not data)".into(),
        };
        return Err(Error::new(
            "text",
            format!("has no data row that could be read{why}"),
        ));
    }
    Ok(table)
}

/// The delimiter of a file from its first row: tab if it has one outside quotes, else
/// semicolon if it has one (so that decimal commas are not taken for delimiters), else comma.
fn detect_delimiter(line: &str) -> u8 {
    let mut quoted = false;
    let (mut tabs, mut semicolons) = (0, 0);
    for &b in line.as_bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\t' if !quoted => tabs += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if tabs > 0 {
        b'\t'
    } else if semicolons > 0 {
        b';'
    } else {
        b','
    }
}

/// A label read as a number for `task` (never called for class names).
fn label_number(s: &str, task: Task) -> std::result::Result<f64, String> {
    let v = match number(s) {
        Some(v) if v.is_finite() && v.abs() <= MAX_INPUT_MAGNITUDE => v,
        Some(_) => {
            return Err(format!(
                "must be a finite number from -1e6 to 1e6, got {}",
                quote(s)
            ));
        }
        None => {
            return Err(format!(
                "must be a number for task \"{}\", got {}",
                task.name(),
                quote(s)
            ));
        }
    };
    match task {
        Task::Binary if v != 0.0 && v != 1.0 => Err(format!(
            "must be 0 or 1 for task \"binary\", got {}",
            quote(s)
        )),
        Task::Multiclass if !(v >= 0.0 && v.fract() == 0.0 && v < MAX_CLASSES as f64) => {
            Err(format!(
                "must be a class index, a whole number from 0 to {}, got {}",
                MAX_CLASSES - 1,
                quote(s)
            ))
        }
        _ => Ok(if v == 0.0 { 0.0 } else { v }),
    }
}

/// Decides the task (unless forced) and how labels map to targets.
fn decide_task(rows: &[Row], forced: Option<Task>, label_col: &str) -> Result<(Task, Labels)> {
    let field = "label";
    let numbers: Vec<Option<f64>> = rows.iter().map(|r| number(&r.label)).collect();
    let all_numbers = numbers.iter().all(Option::is_some);
    let use_names = match forced {
        Some(Task::Regression) => false,
        _ => !all_numbers,
    };
    if use_names {
        let mut map: BTreeMap<String, usize> = BTreeMap::new();
        for r in rows {
            if r.label.chars().count() <= MAX_NAME_CHARS && !map.contains_key(r.label.as_ref()) {
                map.insert(r.label.to_string(), 0);
                if map.len() > MAX_CLASSES {
                    return Err(Error::new(
                        field,
                        format!(
                            "column {} has more than {MAX_CLASSES} different class names; at most {MAX_CLASSES} classes (one output each) are allowed",
                            quote(label_col)
                        ),
                    ));
                }
            }
        }
        for (i, v) in map.values_mut().enumerate() {
            *v = i;
        }
        let names = || map.keys().map(|n| quote(n)).collect::<Vec<_>>().join(", ");
        let task = forced.unwrap_or(Task::Multiclass);
        if task == Task::Binary && map.len() != 2 {
            return Err(Error::new(
                field,
                format!(
                    "task \"binary\" needs exactly 2 class names, found {}: {}",
                    map.len(),
                    names()
                ),
            ));
        }
        if map.len() == 1 {
            return Err(Error::new(
                field,
                format!(
                    "has only one class, {}; a classifier needs at least 2",
                    names()
                ),
            ));
        }
        return Ok((task, Labels::Names(map)));
    }
    if let Some(task) = forced {
        return Ok((task, Labels::Numbers));
    }
    // Detection looks only at labels that are usable numbers; the others become row errors.
    let usable = numbers
        .iter()
        .flatten()
        .filter(|v| v.is_finite() && v.abs() <= MAX_INPUT_MAGNITUDE);
    let mut binary = true;
    let mut indices = true;
    for &v in usable {
        binary &= v == 0.0 || v == 1.0;
        indices &= v >= 0.0 && v.fract() == 0.0 && v < MAX_CLASSES as f64;
    }
    let task = if binary {
        Task::Binary
    } else if indices {
        Task::Multiclass
    } else {
        Task::Regression
    };
    Ok((task, Labels::Numbers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_strict_grammar() {
        for (s, v) in [
            ("1", 1.0),
            ("-2.5", -2.5),
            ("+.5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E-2", 0.01),
            ("0.000", 0.0),
        ] {
            assert_eq!(number(s), Some(v), "{s}");
        }
        for s in [
            "", ".", "+", "e5", "1e", "1e+", "inf", "NaN", "1,5", "0x10", "1 2", "--1",
        ] {
            assert_eq!(number(s), None, "{s}");
        }
        assert_eq!(number("1e400"), Some(f64::INFINITY));
    }

    #[test]
    fn fields_split_with_quotes() {
        let mut f = Vec::new();
        split_fields(r#" 1 , "2,5" ,"say ""hi""",,"#, b',', &mut f).unwrap();
        assert_eq!(f, ["1", "2,5", "say \"hi\"", "", ""]);
        split_fields("a\tb c\t", b'\t', &mut f).unwrap();
        assert_eq!(f, ["a", "b c", ""]);
        assert!(split_fields(r#"1,"2"#, b',', &mut f).is_err());
        assert!(split_fields(r#"1,"2"x,3"#, b',', &mut f).is_err());
    }

    #[test]
    fn lines_split_at_every_line_end() {
        let l: Vec<_> = Lines {
            rest: "a\r\nb\rc\n\nd",
            line: 0,
            done: false,
        }
        .collect();
        assert_eq!(l, [(1, "a"), (2, "b"), (3, "c"), (4, ""), (5, "d")]);
    }
}
