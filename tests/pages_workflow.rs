//! The GitHub Pages workflow (`.github/workflows/pages.yml`) is valid YAML with the shape
//! GitHub needs: triggered by a push to main, allowed to deploy to Pages, building corem with a
//! cached toolchain, passing the URL the Pages action reports to `corem build --base-url`, building
//! the user guide (`docs/`) beside the handbook where the handbook's footer link points, and
//! deploying with GitHub's own upload and deploy actions.

mod support;

use serde_json::Value;

fn workflow() -> Value {
    let path = support::repo().join(".github/workflows/pages.yml");
    let text = std::fs::read_to_string(&path).expect("the workflow file exists");
    serde_saphyr::from_str::<Value>(&text).expect("the workflow is valid YAML")
}

fn steps(job: &Value) -> &Vec<Value> {
    job["steps"].as_array().expect("a job has a list of steps")
}

/// The index of the first step whose `uses` starts with `action` (any version).
fn uses(steps: &[Value], action: &str) -> Option<usize> {
    steps.iter().position(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.split('@').next() == Some(action))
    })
}

fn pinned(steps: &[Value], action: &str) {
    let i = uses(steps, action).unwrap_or_else(|| panic!("no step uses {action}"));
    let u = steps[i]["uses"].as_str().unwrap_or_default();
    assert!(
        u.split_once('@').is_some_and(|(_, v)| !v.is_empty()),
        "{action} must name a version: {u}"
    );
}

#[test]
fn triggers_permissions_and_concurrency() {
    let w = workflow();
    // `on` must be read as a key (YAML 1.2), not as the boolean of YAML 1.1.
    let on = &w["on"];
    let branches = on["push"]["branches"]
        .as_array()
        .expect("on.push.branches is a list");
    assert!(
        branches.iter().any(|b| b == "main"),
        "deploys on push to main: {on}"
    );
    let perms = &w["permissions"];
    assert_eq!(perms["pages"], "write", "{perms}");
    assert_eq!(perms["id-token"], "write", "{perms}");
    let group = &w["concurrency"]["group"];
    assert!(
        group.as_str().is_some_and(|g| !g.is_empty()),
        "one deployment at a time: {}",
        w["concurrency"]
    );
}

#[test]
fn build_job_builds_corem_and_the_site_with_the_pages_url() {
    let w = workflow();
    let build = &w["jobs"]["build"];
    let s = steps(build);
    for action in [
        "actions/checkout",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "Swatinem/rust-cache",
    ] {
        pinned(s, action);
    }
    assert!(
        s.iter().any(|x| x["uses"]
            .as_str()
            .is_some_and(|u| u.contains("rust-toolchain"))),
        "a Rust toolchain step"
    );
    let checkout = uses(s, "actions/checkout").unwrap_or_default();
    assert_eq!(
        s[checkout]["with"]["fetch-depth"], 0,
        "the whole history, for the last-updated dates"
    );
    let cache = uses(s, "Swatinem/rust-cache").unwrap_or_default();
    let pages = uses(s, "actions/configure-pages").unwrap_or_default();
    let pages_id = s[pages]["id"]
        .as_str()
        .expect("configure-pages has an id, so its outputs can be read");

    let run = |needle: &str| {
        s.iter()
            .position(|x| x["run"].as_str().is_some_and(|r| r.contains(needle)))
            .unwrap_or_else(|| panic!("no step runs `{needle}`"))
    };
    let cargo = run("cargo build --release");
    let site = run("corem build");
    let command = s[site]["run"].as_str().unwrap_or_default();
    let wiring = format!("--base-url \"${{{{ steps.{pages_id}.outputs.base_url }}}}\"");
    assert!(
        command.contains(&wiring),
        "the site is built with the URL configure-pages reports ({wiring}): {command}"
    );
    assert!(
        command.contains("-o public"),
        "built into public/: {command}"
    );
    let upload = uses(s, "actions/upload-pages-artifact").unwrap_or_default();
    assert_eq!(
        s[upload]["with"]["path"], "public",
        "uploads what was built"
    );
    assert!(
        checkout < cache && cache < cargo && pages < site && cargo < site && site < upload,
        "steps in order: checkout, cache, cargo build, corem build, upload"
    );
}

/// The user guide is built after the handbook (whose build replaces `public/` as a whole), into
/// the folder the handbook's footer link names, with the Pages URL of that folder, and before
/// the upload.
#[test]
fn build_job_builds_the_user_guide_beside_the_handbook() {
    let w = workflow();
    let s = steps(&w["jobs"]["build"]);
    let pages = uses(s, "actions/configure-pages").unwrap_or_default();
    let pages_id = s[pages]["id"].as_str().unwrap_or_default();
    let runs = |needle: &str| {
        s.iter()
            .position(|x| x["run"].as_str().is_some_and(|r| r.contains(needle)))
            .unwrap_or_else(|| panic!("no step runs `{needle}`"))
    };
    let handbook = runs("corem build . ");
    let guide = runs("corem build docs");
    let command = s[guide]["run"].as_str().unwrap_or_default();

    // Where the handbook's footer sends readers: its `[[footer.links]]` path to the guide.
    let config: toml::Table = std::fs::read_to_string(support::repo().join("corem.toml"))
        .expect("corem.toml")
        .parse()
        .expect("corem.toml is TOML");
    let folder = config["footer"]["links"]
        .as_array()
        .and_then(|links| {
            links
                .iter()
                .find(|l| l["text"].as_str() == Some("User guide"))
        })
        .and_then(|l| l["url"].as_str())
        .expect("the handbook's footer links the user guide")
        .trim_end_matches('/');
    assert!(
        command.contains(&format!("-o public/{folder}")),
        "the guide is built into public/{folder}/, where the handbook's footer link points: {command}"
    );
    let wiring = format!("--base-url \"${{{{ steps.{pages_id}.outputs.base_url }}}}/{folder}\"");
    assert!(
        command.contains(&wiring),
        "the guide's base URL is the Pages URL of its folder ({wiring}): {command}"
    );
    let upload = uses(s, "actions/upload-pages-artifact").unwrap_or_default();
    assert!(
        handbook < guide && guide < upload,
        "the handbook, then the guide, then the upload"
    );
}

#[test]
fn deploy_job_deploys_what_the_build_uploaded() {
    let w = workflow();
    let deploy = &w["jobs"]["deploy"];
    assert_eq!(deploy["needs"], "build");
    assert_eq!(deploy["environment"]["name"], "github-pages");
    let s = steps(deploy);
    pinned(s, "actions/deploy-pages");
    let i = uses(s, "actions/deploy-pages").unwrap_or_default();
    let id = s[i]["id"].as_str().expect("deploy step has an id");
    assert_eq!(
        deploy["environment"]["url"],
        format!("${{{{ steps.{id}.outputs.page_url }}}}"),
        "the environment links to the deployed site"
    );
}
