use backprop_viz::*;
fn main() {
    let act = std::env::args().nth(1).unwrap_or("tanh".into());
    let n: usize = std::env::args().nth(2).map_or(10, |s| s.parse().unwrap());
    let feats: usize = std::env::args().nth(3).map_or(2, |s| s.parse().unwrap());
    let names = [
        "x1",
        "x2",
        "x1Squared",
        "x2Squared",
        "x1x2",
        "sinX1",
        "sinX2",
    ];
    let mut layers = vec![feats as f64];
    layers.extend([8.0; 6]);
    layers.push(1.0);
    let spec = Spec {
        layers: Some(layers),
        hidden: Some(act),
        features: Some(names[..feats].iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    };
    let mut net = Network::new(&spec).unwrap();
    net.set_grid(200, 32, (-6.0, 6.0), (-6.0, 6.0)).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n {
        net.render_grid().unwrap();
    }
    eprintln!("{:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
}
