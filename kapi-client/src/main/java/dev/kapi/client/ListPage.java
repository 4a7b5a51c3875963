package dev.kapi.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * One page of a list: its items (each with {@code apiVersion} and {@code kind} filled in, which the server
 * leaves out of list items), the collection's resourceVersion (where a watch starts), and the token for the
 * next page.
 */
public record ListPage(List<ObjectNode> items, String resourceVersion, Optional<String> continueToken) {
  public ListPage {
    items = List.copyOf(items);
  }
}
