package dev.kapi.config.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;

/**
 * A document's anchors, aliases or merge keys do not resolve. Its message names anchors and kinds of values, never
 * a value, so it can be shown where a parser's own message (which may quote a token) is not.
 */
public final class YamlAliasException extends JsonParseException {

  private static final long serialVersionUID = 1L;

  YamlAliasException(JsonParser p, String message) {
    super(p, message);
  }
}
