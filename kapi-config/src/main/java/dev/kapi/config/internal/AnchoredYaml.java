package dev.kapi.config.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * A YAML parser factory for {@link JsonTrees} whose parsers also report the anchor of a single value
 * ({@code token: &tok abc}): Jackson's own parser reports anchors on mappings and lists only, so an alias to a
 * single value ({@code token: *tok}), which kubectl's YAML reader resolves, could not be resolved. Duplicate keys
 * fail the document, as in kubectl.
 */
public final class AnchoredYaml extends YAMLFactory {

  private static final long serialVersionUID = 1L;

  public AnchoredYaml() {
    enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
  }

  @Override
  protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
    return parser(ctxt, _createReader(data, offset, len, null, ctxt));
  }

  @Override
  protected YAMLParser _createParser(InputStream in, IOContext ctxt) throws IOException {
    return parser(ctxt, _createReader(in, (JsonEncoding) null, ctxt));
  }

  @Override
  protected YAMLParser _createParser(Reader r, IOContext ctxt) throws IOException {
    return parser(ctxt, r);
  }

  @Override
  protected YAMLParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable)
      throws IOException {
    return parser(ctxt, new java.io.CharArrayReader(data, offset, len));
  }

  private YAMLParser parser(IOContext ctxt, Reader r) {
    return new Parser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
  }

  /** Jackson's parser, plus the anchor of the single value it is on. */
  private static final class Parser extends YAMLParser {

    private String valueAnchor;

    Parser(IOContext ctxt, int features, int yamlFeatures, LoaderOptions options, ObjectCodec codec, Reader r) {
      super(ctxt, features, yamlFeatures, options, codec, r);
    }

    @Override
    public JsonToken nextToken() throws IOException {
      valueAnchor = null;
      return super.nextToken();
    }

    @Override
    protected JsonToken _decodeScalar(ScalarEvent scalar) throws IOException {
      valueAnchor = scalar.getAnchor(); // a key's scalar never comes here: only a value's
      return super._decodeScalar(scalar);
    }

    @Override
    public String getObjectId() throws IOException {
      String id = super.getObjectId();
      return id != null ? id : valueAnchor;
    }
  }
}
