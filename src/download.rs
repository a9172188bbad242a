//! Saving files the page made (exports, charts) to the user's computer. Nothing leaves the
//! computer: the browser writes a local blob: URL to disk.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The font for saved SVG files (in the page the stylesheet sets it).
const SVG_STYLE: &str = "text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}";

/// Offers `bytes` as a download named `name`.
pub fn save(name: &str, bytes: &[u8], mime: &str) {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) {
        save_blob(name, &blob);
    }
}

/// Offers a blob as a download named `name`.
pub fn save_blob(name: &str, blob: &web_sys::Blob) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return };
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.set_class_name("visually-hidden");
        if let Some(body) = document.body() {
            let _ = body.append_child(&a);
            a.click();
            let _ = body.remove_child(&a);
        }
    }
    // Let the download start before the URL goes.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 30_000);
    }
}

/// Saves an SVG element as a standalone `.svg` file.
pub fn save_svg(svg: &web_sys::Element, name: &str) {
    save(&format!("{name}.svg"), standalone_svg(svg).as_bytes(), "image/svg+xml");
}

/// The SVG's markup with the namespace and the styles it needs, so it stands alone. The page
/// serialises no-break spaces as `&nbsp;`, which XML does not know: written as `&#160;`.
fn standalone_svg(svg: &web_sys::Element) -> String {
    let mut markup = svg.outer_html().replace("&nbsp;", "&#160;");
    if !markup.contains("xmlns=") {
        markup = markup.replacen("<svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"", 1);
    }
    let style = format!("<style>{SVG_STYLE}</style>");
    match markup.find('>') {
        Some(i) => format!("{}{}{}", &markup[..=i], style, &markup[i + 1..]),
        None => markup,
    }
}

/// Saves an SVG element as a PNG at twice its size (drawn on a canvas in the page).
pub fn save_png(svg: &web_sys::Element, name: &str) {
    let markup = standalone_svg(svg);
    let width = svg.get_attribute("width").and_then(|w| w.parse::<f64>().ok()).unwrap_or(800.0);
    let height = svg.get_attribute("height").and_then(|h| h.parse::<f64>().ok()).unwrap_or(400.0);
    let parts = js_sys::Array::of1(&JsValue::from_str(&markup));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let Ok(image) = web_sys::HtmlImageElement::new() else { return };
    let name = format!("{name}.png");
    let img = image.clone();
    let url_for_load = url.clone();
    let onload = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url_for_load);
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let Ok(canvas) = document.create_element("canvas") else { return };
        let canvas: web_sys::HtmlCanvasElement = canvas.unchecked_into();
        let scale = 2.0;
        canvas.set_width((width * scale) as u32);
        canvas.set_height((height * scale) as u32);
        let Ok(Some(ctx)) = canvas.get_context("2d") else { return };
        let ctx: web_sys::CanvasRenderingContext2d = ctx.unchecked_into();
        ctx.set_fill_style_str("#ffffff");
        ctx.fill_rect(0.0, 0.0, width * scale, height * scale);
        let _ = ctx.scale(scale, scale);
        let _ = ctx.draw_image_with_html_image_element(&img, 0.0, 0.0);
        let done = Closure::once_into_js(move |blob: JsValue| {
            if let Ok(blob) = blob.dyn_into::<web_sys::Blob>() {
                save_blob(&name, &blob);
            }
        });
        let _ = canvas.to_blob(done.unchecked_ref());
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_src(&url);
}
