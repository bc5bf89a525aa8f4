package dev.sluice.samples.video;

/**
 * The data each step of the pipeline passes on, filled in as it goes.
 *
 * @param id        the video
 * @param title     its title
 * @param owner     who uploaded it (the notify step tells them)
 * @param original  where the upload is stored
 * @param rendition the transcoded file, once transcoded
 * @param thumbnail the thumbnail, once made
 */
public record Video(String id, String title, String owner, String original, String rendition, String thumbnail) {

    public Video withRendition(String v) {
        return new Video(id, title, owner, original, v, thumbnail);
    }

    public Video withThumbnail(String v) {
        return new Video(id, title, owner, original, rendition, v);
    }
}
