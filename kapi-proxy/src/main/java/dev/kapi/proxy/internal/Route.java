package dev.kapi.proxy.internal;

import java.util.Optional;

/**
 * Where a canonical path goes, as kubectl's ServeMux decides it: a prefix's root without its slash is redirected;
 * otherwise the longest matching prefix wins between {@code --api-prefix} and {@code --www-prefix} (when
 * {@code --www} is set); anything else is not found.
 */
sealed interface Route {

  /** @param path the path to forward (and to filter): the API prefix stripped unless it starts with /api */
  record Api(String path) implements Route {
  }

  /** @param relativePath the path under the www directory, without a leading "/" ("" for the directory itself) */
  record StaticFile(String relativePath) implements Route {
  }

  record NotFound() implements Route {
  }

  /** A prefix's root named without its trailing slash: ServeMux answers 301 to {@code location} (the prefix). */
  record Redirect(String location) implements Route {
  }

  /** The mux, built once from the two prefixes (both end with "/"). */
  final class Mux {
    private final String apiPrefix;
    private final boolean stripApiPrefix;
    private final Optional<String> wwwPrefix;

    Mux(String apiPrefix, Optional<String> wwwPrefix) {
      this.apiPrefix = apiPrefix;
      this.stripApiPrefix = !apiPrefix.startsWith("/api");
      this.wwwPrefix = wwwPrefix;
    }

    Route route(String path) {
      if (wwwPrefix.isPresent() && namesRootOf(path, wwwPrefix.get())) {
        return new Redirect(wwwPrefix.get());
      }
      if (apiPrefix.length() > 1 && namesRootOf(path, apiPrefix)) {
        return new Redirect(apiPrefix);
      }
      boolean api = path.startsWith(apiPrefix);
      boolean www = wwwPrefix.isPresent() && path.startsWith(wwwPrefix.get());
      if (www && (!api || wwwPrefix.get().length() > apiPrefix.length())) {
        return new StaticFile(path.substring(wwwPrefix.get().length()));
      }
      if (!api) {
        return new NotFound();
      }
      if (!stripApiPrefix || apiPrefix.length() == 1) {
        return new Api(path);
      }
      // kubectl's stripLeaveSlash: TrimPrefix, then make sure the rest starts with "/"
      String rest = path.substring(apiPrefix.length());
      return new Api("/" + rest);
    }

    /** {@code /static} for {@code /static/}: Go's ServeMux redirects it whatever else would match. */
    private static boolean namesRootOf(String path, String prefix) {
      return path.length() == prefix.length() - 1 && prefix.startsWith(path);
    }
  }
}
