package dev.kapi.proxy.internal;

/** Netty's native transport words a failed system call for its own log; the user needs only the reason. */
public final class NativeErrors {

  private NativeErrors() {
  }

  /** "bind(..) failed with error(-98): Address already in use" becomes "Address already in use", wherever it is. */
  public static String reason(String message) {
    return String.valueOf(message).replaceFirst("\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
  }
}
