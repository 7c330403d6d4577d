import { templateDefinitionSchema, type TemplateDefinition } from "../../domain/template-model";
import { brandedQuoteCard } from "./branded-quote-card";
import { ogBlogPost } from "./og-blog-post";
import { titleCard } from "./title-card";
import { tweetImage } from "./tweet-image";

/**
 * The built-in templates by slug. Each is parsed through the model's schema when this module loads,
 * so a built-in is held to the same checks (and gets the same defaults) as a user's definition, and a
 * mistake in one fails at the first import rather than at a caller's render. Without a prototype, a
 * caller's slug such as "toString" or "constructor" finds nothing instead of an Object method.
 */
export const BUILT_IN_TEMPLATES: Record<string, TemplateDefinition> = Object.assign(
  Object.create(null) as Record<string, TemplateDefinition>,
  Object.fromEntries(
    [ogBlogPost, tweetImage, brandedQuoteCard, titleCard].map((input) => {
      const definition = templateDefinitionSchema.parse(input);
      return [definition.slug, definition];
    }),
  ),
);
