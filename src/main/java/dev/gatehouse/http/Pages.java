package dev.gatehouse.http;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

/** Renders the precompiled jte templates (HTML-escaped by default); one typed page record per template. */
public final class Pages {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    public String render(String template, Object page) {
        StringOutput out = new StringOutput();
        engine.render(template, page, out);
        return out.toString();
    }

    /** Writes the page with its charset in the header, so no browser has to guess it (ctx.html says only "text/html"). */
    public void render(Context ctx, String template, Object page) {
        ctx.contentType("text/html; charset=utf-8").result(render(template, page));
    }
}
