use super::*;
use pulldown_cmark::Tag;

fn p(src: &str) -> Parsed {
    let (parsed, problems) = parse(src, None);
    assert!(problems.is_empty(), "{problems:?}");
    parsed
}

#[test]
fn heading_ids_are_unique_and_custom_ids_honoured() {
    let d = p("## Intro\n\n## Intro\n\n## Other {#mine}\n\n## Intro\n");
    let ids: Vec<_> = d.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["intro", "intro-1", "mine", "intro-2"]);
}

#[test]
fn opening_h1_becomes_title_and_is_dropped() {
    let d = p("# The Title\n\nText\n");
    assert_eq!(d.h1.as_deref(), Some("The Title"));
    assert!(d.headings.is_empty());
    let (d, _) = parse("# Other\n\nText\n", Some("Front title"));
    assert_eq!(d.headings.len(), 1, "a different H1 is kept");
}

#[test]
fn wikilinks_in_all_forms() {
    let d = p(
        "See [[Caching]], [[Caching|the cache]], [[Caching#Cache-aside]], [[#Local]] and [[CDN#Pull|pull]].\n",
    );
    let t: Vec<_> = d.links.iter().map(|l| l.target.clone()).collect();
    assert_eq!(
        t,
        vec![
            Target::Wiki {
                name: "Caching".into(),
                anchor: None
            },
            Target::Wiki {
                name: "Caching".into(),
                anchor: None
            },
            Target::Wiki {
                name: "Caching".into(),
                anchor: Some("Cache-aside".into())
            },
            Target::Wiki {
                name: "".into(),
                anchor: Some("Local".into())
            },
            Target::Wiki {
                name: "CDN".into(),
                anchor: Some("Pull".into())
            },
        ]
    );
    assert_eq!(d.links[1].text, "the cache");
    assert_eq!(d.links[4].text, "pull");
}

#[test]
fn wikilink_with_escaped_pipe_in_table() {
    let d = p("| a | b |\n|---|---|\n| [[Caching\\|label]] | x |\n");
    assert_eq!(d.links.len(), 1, "{:?}", d.links);
    assert_eq!(
        d.links[0].target,
        Target::Wiki {
            name: "Caching".into(),
            anchor: None
        }
    );
    assert_eq!(d.links[0].text, "label");
}

/// Obsidian's way to size an image in a table, `![[a.png\|300]]`, was read as a note embed
/// (the escaping backslash stayed on the file name) and drawn as an unresolved embed.
#[test]
fn sized_image_embed_in_table() {
    for row in ["| ![[img.png\\|300]] | x |", "| ![[img.png|300]] | x |"] {
        let d = p(&format!("| a | b |\n|---|---|\n{row}\n"));
        assert_eq!(d.links.len(), 1, "{row}: {:?}", d.links);
        assert_eq!(d.links[0].kind, LinkKind::Image, "{row}");
        assert_eq!(
            d.links[0].target,
            Target::Wiki {
                name: "img.png".into(),
                anchor: None
            }
        );
        assert_eq!(d.links[0].size, Some((300, None)), "{row}");
    }
}

#[test]
fn markdown_links_are_classified() {
    let d = p(
        "[a](../x/caching.md#cache-aside) [b](<my note.md>) [c](my%20note.md) [d](#here) [e](https://x.org) <https://y.org>\n",
    );
    assert_eq!(
        d.links[0].target,
        Target::Path {
            path: "../x/caching.md".into(),
            anchor: Some("cache-aside".into())
        }
    );
    assert_eq!(
        d.links[1].target,
        Target::Path {
            path: "my note.md".into(),
            anchor: None
        }
    );
    assert_eq!(
        d.links[2].target,
        Target::Path {
            path: "my note.md".into(),
            anchor: None
        }
    );
    assert_eq!(d.links[3].target, Target::Anchor("here".into()));
    assert_eq!(d.links[4].target, Target::External("https://x.org".into()));
    assert_eq!(d.links[5].target, Target::External("https://y.org".into()));
}

#[test]
fn embeds_and_images() {
    let d = p("![[Caching]]\n\n![[Caching#Policy]]\n\n![[diagram.png]]\n\n![alt](img/a.png)\n");
    let kinds: Vec<_> = d.links.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        vec![
            LinkKind::Embed,
            LinkKind::Embed,
            LinkKind::Image,
            LinkKind::Image
        ]
    );
    // A paragraph holding only an embed is dropped around it.
    let paras = d
        .events
        .iter()
        .filter(|e| matches!(e, Ev::Md(Event::Start(Tag::Paragraph))))
        .count();
    assert_eq!(paras, 2, "only the two image paragraphs remain");
}

#[test]
fn link_context_is_the_sentence() {
    let d = p("First sentence here. Caching is covered in [[Caching]] for details. Last one.\n");
    assert_eq!(
        d.links[0].context,
        "Caching is covered in Caching for details."
    );
}

#[test]
fn callouts_and_alerts() {
    let d =
        p("> [!NOTE]\n> Body text.\n\n> [!tip]- Custom *title*\n> Hidden body.\n\n> plain quote\n");
    let html: String = d
        .events
        .iter()
        .filter_map(|e| match e {
            Ev::Md(Event::InlineHtml(h)) => Some(h.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        html.contains("<div class=\"callout\" data-callout=\"note\">"),
        "{html}"
    );
    assert!(
        html.contains("<details class=\"callout\" data-callout=\"tip\">"),
        "{html}"
    );
    assert!(
        d.events
            .iter()
            .any(|e| matches!(e, Ev::Md(Event::Text(t)) if t.as_ref() == "Note"))
    );
    assert!(
        d.events
            .iter()
            .any(|e| matches!(e, Ev::Md(Event::Text(t)) if t.as_ref() == "Custom "))
    );
    let quotes = d
        .events
        .iter()
        .filter(|e| matches!(e, Ev::Md(Event::Start(Tag::BlockQuote(_)))))
        .count();
    assert_eq!(quotes, 1);
}

#[test]
fn fences_and_inline_calc_and_math() {
    let src = "```rust\nfn main() {}\n```\n\n```mermaid\ngraph TD\n```\n\nValue `= 2 + 2` and `code` and $x^2$.\n";
    let d = p(src);
    assert_eq!(d.fences[0].lang, "rust");
    assert_eq!(d.fences[1].lang, "mermaid");
    assert_eq!(&src[d.fences[1].offset..d.fences[1].offset + 8], "graph TD");
    let calc = d.events.iter().find_map(|e| match e {
        Ev::InlineCalc { expr, offset } => Some((expr.clone(), *offset)),
        _ => None,
    });
    let (expr, off) = calc.unwrap();
    assert_eq!(expr, "2 + 2");
    assert_eq!(&src[off..off + 5], "2 + 2");
    let math = d.events.iter().find_map(|e| match e {
        Ev::Math { tex, offset, .. } => Some((tex.clone(), *offset)),
        _ => None,
    });
    let (tex, off) = math.unwrap();
    assert_eq!(tex, "x^2");
    assert_eq!(&src[off..off + 3], "x^2");
}

#[test]
fn autolinks_bare_urls_but_not_inside_links() {
    let d = p("Visit https://example.com. Or [https://a.org](https://b.org).\n");
    let urls: Vec<_> = d
        .links
        .iter()
        .map(|l| match &l.target {
            Target::External(u) => u.clone(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(urls, vec!["https://example.com", "https://b.org"]);
}
